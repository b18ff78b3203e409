import { describe, expect, it } from 'vitest';
import { escapeXml, renderJUnit, type JUnitSuite } from '../../src/core/junit.ts';

const suites: JUnitSuite[] = [
  {
    name: '03-load-balancing',
    timeSeconds: 4.2,
    tests: [
      { name: 'replicas-up', classname: '03-load-balancing', timeSeconds: 0.5 },
      {
        name: 'traffic-is-spread',
        classname: '03-load-balancing',
        timeSeconds: 3.7,
        failure: {
          message: 'HAProxy sent every request (30) to one server, app1',
          details: 'server  requests\napp1          30\napp2           0 <DOWN> & "drained"',
        },
      },
      { name: 'failover', classname: '03-load-balancing', timeSeconds: 0, skipped: 'needs 2 replicas' },
    ],
  },
  { name: 'empty', timeSeconds: 0, tests: [] },
];

/** Just enough XML reading to check the counts agree with what was written. */
const count = (xml: string, tag: string) => xml.split(`<${tag}`).length - 1;
const attr = (xml: string, element: string, name: string) =>
  new RegExp(`<${element}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];

describe('renderJUnit', () => {
  it('renders suites, cases, failures and skips', () => {
    expect(renderJUnit(suites)).toMatchInlineSnapshot(`
      "<?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="lab" tests="3" failures="1" errors="0" skipped="1" time="4.200">
        <testsuite name="03-load-balancing" tests="3" failures="1" errors="0" skipped="1" time="4.200">
          <testcase name="replicas-up" classname="03-load-balancing" time="0.500"/>
          <testcase name="traffic-is-spread" classname="03-load-balancing" time="3.700">
            <failure message="HAProxy sent every request (30) to one server, app1" type="AssertionError">server  requests
      app1          30
      app2           0 &lt;DOWN&gt; &amp; &quot;drained&quot;</failure>
          </testcase>
          <testcase name="failover" classname="03-load-balancing" time="0.000">
            <skipped message="needs 2 replicas"/>
          </testcase>
        </testsuite>
        <testsuite name="empty" tests="0" failures="0" errors="0" skipped="0" time="0.000"/>
      </testsuites>
      "
    `);
  });

  it.each([
    ['one passing', [{ name: 's', timeSeconds: 1, tests: [{ name: 'a', classname: 's', timeSeconds: 1 }] }], 1, 0],
    ['the example', suites, 3, 1],
    [
      'two suites, two failures',
      [
        {
          name: 's1',
          timeSeconds: 1,
          tests: [{ name: 'a', classname: 's1', timeSeconds: 1, failure: { message: 'm', details: 'd' } }],
        },
        {
          name: 's2',
          timeSeconds: 2,
          tests: [
            { name: 'b', classname: 's2', timeSeconds: 1 },
            { name: 'c', classname: 's2', timeSeconds: 1, failure: { message: 'm', details: '' } },
          ],
        },
      ],
      3,
      2,
    ],
    ['nothing', [], 0, 0],
  ] as const)('%s: totals agree with the testcase elements', (_, input, tests, failures) => {
    const xml = renderJUnit(input);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(count(xml, 'testcase')).toBe(tests);
    expect(count(xml, 'failure')).toBe(failures);
    expect(attr(xml, 'testsuites', 'tests')).toBe(String(tests));
    expect(attr(xml, 'testsuites', 'failures')).toBe(String(failures));
    expect(count(xml, 'testsuite ') + count(xml, 'testsuite>')).toBe(input.length);
  });

  it('escapes markup in names, messages and details', () => {
    const xml = renderJUnit([
      {
        name: `a&b <c> "d" 'e'`,
        timeSeconds: 1,
        tests: [
          {
            name: '<x>',
            classname: 'c&c',
            timeSeconds: 1,
            failure: { message: '"quoted"', details: '</failure><evil/>' },
          },
        ],
      },
    ]);
    expect(xml).toContain('<testsuite name="a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;"');
    expect(xml).toContain('<testcase name="&lt;x&gt;" classname="c&amp;c"');
    expect(xml).toContain(
      '<failure message="&quot;quoted&quot;" type="AssertionError">&lt;/failure&gt;&lt;evil/&gt;</failure>',
    );
    expect(count(xml, 'evil')).toBe(0);
  });

  it('keeps line breaks in attributes as character references', () => {
    const xml = renderJUnit([
      {
        name: 's',
        timeSeconds: 1,
        tests: [
          { name: 't', classname: 's', timeSeconds: 1, failure: { message: 'two\nlines\tand tab', details: 'x\ny' } },
        ],
      },
    ]);
    expect(xml).toContain('message="two&#10;lines&#9;and tab"');
    expect(xml).toContain('>x\ny</failure>');
  });

  it('writes time with millisecond precision and no NaN or negatives', () => {
    const xml = renderJUnit([
      {
        name: 's',
        timeSeconds: Number.NaN,
        tests: [
          { name: 't', classname: 's', timeSeconds: -3 },
          { name: 'u', classname: 's', timeSeconds: 1.23456 },
        ],
      },
    ]);
    expect(xml).toContain('<testsuite name="s" tests="2" failures="0" errors="0" skipped="0" time="0.000">');
    expect(xml).toContain('<testcase name="t" classname="s" time="0.000"/>');
    expect(xml).toContain('<testcase name="u" classname="s" time="1.235"/>');
  });
});

describe('escapeXml', () => {
  it.each([
    ['plain', 'plain'],
    ['a & b', 'a &amp; b'],
    ['<tag attr="v">', '&lt;tag attr=&quot;v&quot;&gt;'],
    ["it's", 'it&apos;s'],
    ['\u001b[31mred\u001b[39m', '[31mred[39m'], // ANSI escapes lose their ESC, which XML forbids
    ['bell\u0007 nul\u0000 vt\u000b ff\u000c', 'bell nul vt ff'],
    ['tab\tnewline\ncr\r', 'tab\tnewline\ncr\r'], // the three allowed controls stay
    ['\uFFFE\uFFFF', ''],
    ['lone \uD800 high, lone \uDC00 low', 'lone  high, lone  low'],
    ['emoji 😀 ok', 'emoji 😀 ok'],
    ['日本語', '日本語'],
  ])('%j → %j', (input, expected) => {
    expect(escapeXml(input)).toBe(expected);
  });
});
