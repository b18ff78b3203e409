/**
 * JUnit XML for `lab test --junit`, the format CI systems (GitHub, GitLab, Jenkins) read.
 * Hand-written: a handful of elements do not justify an XML builder dependency.
 */

interface JUnitFailure {
  /** One line, shown as the failure's title. */
  message: string;
  /** Free text: the rendered distribution table, counters, hints. */
  details: string;
}

export interface JUnitTestCase {
  name: string;
  classname: string;
  timeSeconds: number;
  failure?: JUnitFailure;
  /** Reason the check was skipped. */
  skipped?: string;
}

export interface JUnitSuite {
  name: string;
  tests: readonly JUnitTestCase[];
  timeSeconds: number;
}

// XML 1.0 forbids most C0 controls, U+FFFE/U+FFFF and unpaired surrogates even when escaped,
// and docker/HAProxy output pasted into `details` can contain them (ANSI escapes start with \x1B).
const ILLEGAL_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching these control characters is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe for both attribute values and element content. */
export function escapeXml(text: string): string {
  return text.replace(ILLEGAL_XML, '').replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** Seconds with millisecond precision, never negative or NaN (a clock step must not break the XML). */
const seconds = (s: number) => (Number.isFinite(s) && s > 0 ? s : 0).toFixed(3);

// Parsers turn raw newlines and tabs in attribute values into spaces; character references survive.
const escapeAttr = (text: string) => escapeXml(text).replace(/[\t\n\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);

const attrs = (pairs: Record<string, string | number>) =>
  Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');

function testcase(t: JUnitTestCase): string {
  const open = `    <testcase${attrs({ name: t.name, classname: t.classname, time: seconds(t.timeSeconds) })}`;
  if (t.failure) {
    return `${open}>\n      <failure${attrs({ message: t.failure.message, type: 'AssertionError' })}>${escapeXml(t.failure.details)}</failure>\n    </testcase>`;
  }
  if (t.skipped !== undefined) return `${open}>\n      <skipped${attrs({ message: t.skipped })}/>\n    </testcase>`;
  return `${open}/>`;
}

const countFailures = (tests: readonly JUnitTestCase[]) => tests.filter((t) => t.failure).length;
const countSkipped = (tests: readonly JUnitTestCase[]) =>
  tests.filter((t) => !t.failure && t.skipped !== undefined).length;

/** Render suites as one `<testsuites>` document. `name` labels the whole run. */
export function renderJUnit(suites: readonly JUnitSuite[], name = 'lab'): string {
  const all = suites.flatMap((s) => s.tests);
  const total = suites.reduce((a, s) => a + (Number.isFinite(s.timeSeconds) ? s.timeSeconds : 0), 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name, tests: all.length, failures: countFailures(all), errors: 0, skipped: countSkipped(all), time: seconds(total) })}>`,
  ];
  for (const s of suites) {
    const head = attrs({
      name: s.name,
      tests: s.tests.length,
      failures: countFailures(s.tests),
      errors: 0,
      skipped: countSkipped(s.tests),
      time: seconds(s.timeSeconds),
    });
    if (s.tests.length === 0) {
      lines.push(`  <testsuite${head}/>`);
      continue;
    }
    lines.push(`  <testsuite${head}>`, ...s.tests.map(testcase), '  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
