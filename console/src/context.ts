// What every page needs: the reader's language and words, who is signed in, the offices' names.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { translate, type Key, type Lang } from './i18n.ts';
import type { Me } from './types.ts';

export interface Console {
  lang: Lang;
  t: (key: Key) => string;
  /** ' : ' in French, ': ' in English. */
  colon: string;
  me: Me;
  officeNames: Record<string, string>;
}

export const ConsoleContext = createContext<Console>({
  lang: 'fr',
  t: (key) => translate('fr', key),
  colon: ' : ',
  me: { user: '', role: 'declarant' },
  officeNames: {},
});

export const useConsole = () => useContext(ConsoleContext);
