// One shape for words people read: a stable code a program can test, the French that officers
// in Togo and Burkina Faso work in, and English. Refusals, notifications and answers carry it
// from the workflow through the API to the console. Workflow-safe.

export interface Words {
  code: string;
  fr: string;
  en: string;
}

export function words(code: string, fr: string, en: string): Words {
  return { code, fr, en };
}

/** The single string older clients read in `message`: French first, then English. */
export function bilingual(w: Pick<Words, 'fr' | 'en'>): string {
  return w.fr === w.en ? w.fr : `${w.fr} / ${w.en}`;
}
