import { type Language, type Localized, pick } from './localized.ts';

/**
 * lab list's catalog: the labs grouped by the course section they teach, each with its task
 * count and expected duration. Pure. Sections come in the order of their first lab (labs are
 * listed by id, which follows the course); labs without a section, or invalid ones, go last.
 */
export interface CatalogEntry {
  id: string;
  title?: string | undefined;
  section?: Localized | undefined;
  tasks: number;
  /** Expected minutes. */
  duration?: number | undefined;
  valid: boolean;
}

export interface CatalogSection<T extends CatalogEntry> {
  /** null: labs that name no section. */
  section: string | null;
  labs: T[];
  /** Minutes of the labs that give a duration. */
  minutes: number;
}

export function groupBySection<T extends CatalogEntry>(labs: readonly T[], lang: Language): CatalogSection<T>[] {
  const groups = new Map<string | null, T[]>();
  for (const lab of labs) {
    const key = lab.section === undefined ? null : pick(lab.section, lang);
    groups.set(key, [...(groups.get(key) ?? []), lab]);
  }
  const named = [...groups].filter(([k]) => k !== null);
  const unnamed = groups.get(null);
  return [...named, ...(unnamed ? [[null, unnamed] as const] : [])].map(([section, list]) => ({
    section,
    labs: list,
    minutes: list.reduce((m, l) => m + (l.duration ?? 0), 0),
  }));
}

/** "45 min", "1 h 30 min". */
export function minutesText(m: number | undefined): string {
  if (!m) return '-';
  const h = Math.floor(m / 60);
  return h ? `${h} h${m % 60 ? ` ${m % 60} min` : ''}` : `${m} min`;
}
