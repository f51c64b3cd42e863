// One act's form (release with seals, border arrival, exit, entry, arrival, control results,
// resolve discrepancy, incident, diversion, acknowledge, extend, enquiry answer, cancel), posted to
// POST /transits/:mrn/<action>. A refusal shows the API's reason here, in place.
import { useState } from 'preact/hooks';
import { ApiError, post } from '../api.ts';
import { useConsole } from '../context.ts';
import { actionWords, incidentWords, outcomeWords, recoveryDecisionWords, resultWords, word, type Key, type Said } from '../i18n.ts';

type Value = string | boolean;
type Option = [string, { fr: string; en: string }];

interface FieldSpec {
  name: string;
  kind: 'check' | 'text' | 'area' | 'number' | 'select';
  label: Key;
  initial?: Value;
  options?: Option[];
}

const sealsIntact: FieldSpec = { name: 'sealsIntact', kind: 'check', label: 'sealsIntact', initial: true };
const remarks: FieldSpec = { name: 'remarks', kind: 'area', label: 'remarks' };
// Only while the office's national system is down (procédure de secours): the API refuses it otherwise.
const paperNumber: FieldSpec = { name: 'paperNumber', kind: 'text', label: 'fallbackPaperNumber' };
const checkpoint = [sealsIntact, remarks, paperNumber];

const specs: Record<string, FieldSpec[]> = {
  release: [
    { name: 'seals', kind: 'text', label: 'sealsList' },
    { name: 'controlResult', kind: 'check', label: 'controlSatisfactory', initial: true },
    { name: 'timeLimitHours', kind: 'number', label: 'timeLimitHours' },
  ],
  'border-arrival': checkpoint,
  exit: checkpoint,
  // The seals read on the truck, checked against those it carries now (after a transhipment, the new ones).
  entry: [sealsIntact, { name: 'sealsRead', kind: 'text', label: 'sealsRead' }, remarks, paperNumber],
  arrival: checkpoint,
  'control-results': [
    {
      name: 'result',
      kind: 'select',
      label: 'result',
      initial: 'SATISFACTORY',
      options: Object.entries(resultWords),
    },
    sealsIntact,
    { name: 'discrepancies', kind: 'area', label: 'discrepanciesList' },
  ],
  'resolve-discrepancy': [{ name: 'resolution', kind: 'area', label: 'resolution' }],
  incident: [
    {
      name: 'kind',
      kind: 'select',
      label: 'kind',
      initial: 'BREAKDOWN',
      options: Object.entries(incidentWords),
    },
    { name: 'place', kind: 'text', label: 'place' },
    { name: 'description', kind: 'area', label: 'description' },
    { name: 'observations', kind: 'area', label: 'observations' },
    { name: 'extendHours', kind: 'number', label: 'extendHours' },
    { name: 'newVehicle', kind: 'text', label: 'newVehicle' },
    { name: 'newVehicleNationality', kind: 'text', label: 'newVehicleNationality' },
    { name: 'newTrailer', kind: 'text', label: 'newTrailer' },
    { name: 'newSeals', kind: 'text', label: 'newSeals' },
  ],
  acknowledge: [{ name: 'note', kind: 'area', label: 'note' }],
  extend: [
    { name: 'hours', kind: 'number', label: 'hours' },
    { name: 'reason', kind: 'area', label: 'reason' },
  ],
  'enquiry-answer': [
    { name: 'answer', kind: 'area', label: 'answer' },
    {
      name: 'outcome',
      kind: 'select',
      label: 'outcome',
      initial: 'NOT_RESOLVED',
      options: Object.entries(outcomeWords),
    },
  ],
  cancel: [{ name: 'reason', kind: 'area', label: 'reason' }],
  recovery: [
    { name: 'decision', kind: 'select', label: 'decision', initial: 'confirm', options: Object.entries(recoveryDecisionWords) },
    { name: 'reason', kind: 'area', label: 'reason' },
  ],
  divert: [
    { name: 'office', kind: 'text', label: 'newOffice' },
    { name: 'reason', kind: 'area', label: 'reason' },
  ],
};

export const formActions = new Set(Object.keys(specs));

const text = (v: Value | undefined) => (typeof v === 'string' ? v.trim() : '');
const list = (v: Value | undefined) =>
  text(v)
    .split(/[\s,;]+/)
    .filter(Boolean);
const lines = (v: Value | undefined) =>
  text(v)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
const optional = (name: string, value: unknown) =>
  value === '' || value === undefined || (Array.isArray(value) && value.length === 0) ? {} : { [name]: value };
const number = (v: Value | undefined) => (text(v) === '' ? undefined : Number(text(v)));

/** A paper document's number marks the act as a fallback act; its time is the API's now. */
const fallbackOf = (v: Record<string, Value>) => (text(v.paperNumber) ? { fallback: { paperNumber: text(v.paperNumber).toUpperCase() } } : {});

/** The request body the API expects for the act; empty optional fields are left out. */
function bodyOf(action: string, v: Record<string, Value>): Record<string, unknown> {
  switch (action) {
    case 'release':
      return { seals: list(v.seals), ...(v.controlResult ? { controlResult: 'SATISFACTORY' } : {}), ...optional('timeLimitHours', number(v.timeLimitHours)) };
    case 'entry':
      return {
        sealsIntact: Boolean(v.sealsIntact),
        ...optional('seals', list(v.sealsRead)),
        ...optional('remarks', text(v.remarks)),
        ...fallbackOf(v),
      };
    case 'border-arrival':
    case 'exit':
    case 'arrival':
      return { sealsIntact: Boolean(v.sealsIntact), ...optional('remarks', text(v.remarks)), ...fallbackOf(v) };
    case 'control-results':
      return { result: v.result, sealsIntact: Boolean(v.sealsIntact), discrepancies: lines(v.discrepancies) };
    case 'resolve-discrepancy':
      return { resolution: text(v.resolution) };
    case 'incident':
      return {
        kind: v.kind,
        description: text(v.description),
        ...optional('place', text(v.place)),
        ...optional('observations', text(v.observations)),
        ...optional('extendHours', number(v.extendHours)),
        ...(text(v.newTrailer) ? { newTrailer: { registration: text(v.newTrailer) } } : {}),
        ...(text(v.newVehicle) ? { newVehicle: { registration: text(v.newVehicle), nationality: text(v.newVehicleNationality).toUpperCase() } } : {}),
        ...optional('newSeals', list(v.newSeals)),
      };
    case 'acknowledge':
      return optional('note', text(v.note));
    case 'extend':
      return { hours: number(v.hours), reason: text(v.reason) };
    case 'enquiry-answer':
      return { answer: text(v.answer), outcome: v.outcome };
    case 'cancel':
      return { reason: text(v.reason) };
    case 'recovery':
      return { decision: v.decision, reason: text(v.reason) };
    case 'divert':
      return { office: text(v.office).toUpperCase(), reason: text(v.reason) };
    default:
      return {};
  }
}

/** An act's answer: the movement's status after it, and words (`message`, `fr`, `en`) when the API has some to say. */
export interface ActionAnswer extends Said {
  mrn: string;
  status: string;
  currentOffice: string;
}

export function ActionForm(props: { mrn: string; action: string; onDone: (answer: ActionAnswer) => void; onClose: () => void }) {
  const { lang, t, colon } = useConsole();
  const fields = specs[props.action] ?? [];
  const [values, setValues] = useState<Record<string, Value>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, f.initial ?? (f.kind === 'check' ? false : '')])),
  );
  // One key per act: a double click or a retried request is the same act, recorded once.
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [sending, setSending] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | undefined>(undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    setRefusal(undefined);
    try {
      const answer = await post<ActionAnswer>(`/transits/${props.mrn}/${props.action}`, bodyOf(props.action, values), { 'idempotency-key': key });
      props.onDone(answer);
    } catch (error) {
      setRefusal(error instanceof ApiError ? error : new ApiError(0, 'NETWORK', { message: String(error) }, []));
      setKey(crypto.randomUUID());
    } finally {
      setSending(false);
    }
  };

  const set = (name: string, value: Value) => setValues((current) => ({ ...current, [name]: value }));

  return (
    <form class="action-form" data-form={props.action} onSubmit={submit}>
      <h4>{word(actionWords, props.action, lang)}</h4>
      {fields.map((field) => (
        // biome-ignore lint/a11y/noLabelWithoutControl: every branch below renders the field's input, select or textarea inside the label
        <label class={`field field-${field.kind}`} key={field.name}>
          {field.kind === 'check' ? (
            <>
              <input
                type="checkbox"
                name={field.name}
                checked={Boolean(values[field.name])}
                onChange={(e) => set(field.name, (e.target as HTMLInputElement).checked)}
              />
              <span>{t(field.label)}</span>
            </>
          ) : (
            <>
              <span>{t(field.label)}</span>
              {field.kind === 'area' ? (
                <textarea
                  name={field.name}
                  rows={2}
                  value={String(values[field.name] ?? '')}
                  onInput={(e) => set(field.name, (e.target as HTMLTextAreaElement).value)}
                />
              ) : field.kind === 'select' ? (
                <select name={field.name} value={String(values[field.name] ?? '')} onChange={(e) => set(field.name, (e.target as HTMLSelectElement).value)}>
                  {field.options!.map(([value, label]) => (
                    <option value={value} key={value}>
                      {label[lang]}
                    </option>
                  ))}
                </select>
              ) : field.kind === 'number' ? (
                <input
                  name={field.name}
                  type="number"
                  step="any"
                  value={String(values[field.name] ?? '')}
                  onInput={(e) => set(field.name, (e.target as HTMLInputElement).value)}
                />
              ) : (
                <input
                  name={field.name}
                  type="text"
                  value={String(values[field.name] ?? '')}
                  onInput={(e) => set(field.name, (e.target as HTMLInputElement).value)}
                />
              )}
            </>
          )}
        </label>
      ))}
      {refusal && (
        <div class="refusal" role="alert">
          <strong>
            {t('refused')}
            {colon}
          </strong>
          {refusal.text(lang)}
          {refusal.errors.length > 0 && (
            <ul>
              {refusal.errors.map((e) => (
                <li key={e.path}>
                  {e.path} — {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div class="form-buttons">
        <button type="submit" class="primary" disabled={sending}>
          {sending ? t('sending') : t('confirm')}
        </button>
        <button type="button" onClick={props.onClose}>
          {t('cancelForm')}
        </button>
      </div>
    </form>
  );
}
