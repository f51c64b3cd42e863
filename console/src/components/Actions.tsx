// The acts the signed-in user may record now, as buttons; one opens its form in place.
import { useState } from 'preact/hooks';
import { useConsole } from '../context.ts';
import { actionWords, word } from '../i18n.ts';
import { ActionForm, formActions, type ActionAnswer } from './ActionForm.tsx';

export function Actions(props: { mrn: string; actions: string[]; onDone: (action: string, answer: ActionAnswer) => void; empty?: string }) {
  const { lang } = useConsole();
  const [open, setOpen] = useState<string | undefined>(undefined);
  const actions = props.actions.filter((action) => formActions.has(action));
  if (actions.length === 0) return props.empty ? <span class="muted">{props.empty}</span> : null;
  return (
    <div class="actions">
      <div class="action-buttons">
        {actions.map((action) => (
          <button
            type="button"
            key={action}
            data-action={action}
            class={open === action ? 'selected' : ''}
            onClick={() => setOpen(open === action ? undefined : action)}
          >
            {word(actionWords, action, lang)}
          </button>
        ))}
      </div>
      {open && (
        <ActionForm
          key={open}
          mrn={props.mrn}
          action={open}
          onClose={() => setOpen(undefined)}
          onDone={(answer) => {
            setOpen(undefined);
            props.onDone(open, answer);
          }}
        />
      )}
    </div>
  );
}
