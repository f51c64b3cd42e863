// The timeline's details in the page's language, without a browser: each key a person reads is
// worded (« Scellés intacts : oui », francs, dates, durations, countries by name), ids are left
// out, and no entry shows a raw `key: value` on a French page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeDetails, recipient, type Detail } from '../../console/src/details.ts';
import { eventWords, say, statusWords, type Lang } from '../../console/src/i18n.ts';
import { transitStatuses } from '../../workflows/model.ts';

const line = (details: Detail[], colon = ' : ') => details.map((d) => (d.label ? `${d.label}${colon}${d.text}` : d.text)).join(' · ');
// Intl writes French thousands with a narrow no-break space: compared here as plain spaces.
const read = (what: string, details: Record<string, unknown>, lang: Lang = 'fr') =>
  line(describeDetails(what, details, lang, { TGCKS001: 'Cinkassé' }), lang === 'fr' ? ' : ' : ': ').replace(/[\u202f\u00a0]/g, ' ');

describe('timeline details, worded', () => {
  it('says seals intact, late and the remarks in French and in English', () => {
    assert.equal(read('ARRIVED', { sealsIntact: true, late: false, remarks: 'RAS' }), 'Scellés intacts : oui · Dans le délai de route · Observations : RAS');
    assert.equal(read('ARRIVED', { sealsIntact: false, late: true }, 'en'), 'Seals intact: no · Arrived after the time limit');
  });

  it('gives the release its seals, its time limit as a local date-time and its control result', () => {
    const text = read('RELEASED', { seals: ['SL-1', 'SL-2'], timeLimit: '2026-11-30T12:00:00.000Z', controlResult: 'SATISFACTORY' });
    assert.equal(text, 'Scellés : SL-1, SL-2 · Délai de route : 30/11/2026 12:00:00 · Contrôle : Satisfaisant');
  });

  it('writes amounts in francs CFA and names the guarantee amount as the customs do', () => {
    assert.equal(read('GUARANTEE_RESERVED', { grn: '26TG0001', amountXof: 1234567 }), 'GRN : 26TG0001 · Montant imputé sur la caution : 1 234 567 F CFA');
    assert.equal(read('RECOVERY', { grn: '26TG0001', amountXof: 1234567 }, 'en'), 'GRN: 26TG0001 · Amount claimed: 1,234,567 CFA francs');
  });

  it('names countries, durations and levels', () => {
    assert.equal(read('REGISTERED', { country: 'BF', reference: 'BF-1' }), 'Pays : Burkina Faso · Référence nationale : BF-1');
    assert.equal(read('ENTRY_ACCEPTED', { sealsIntact: true, dwellSeconds: 3900 }), 'Scellés intacts : oui · Temps au poste : 1 h 05 min');
    assert.equal(read('ESCALATED', { level: 2 }), 'Niveau : 2 (superviseur du pays)');
    assert.equal(read('ESCALATION_CLOSED', { level: 1, because: 'EXTENDED' }, 'en'), 'Level reached: 1 (overdue) · Closed by: time limit extended');
  });

  it('words an incident and a notification, leaving the notification id out', () => {
    assert.equal(
      read('INCIDENT', {
        kind: 'TRANSHIPMENT',
        description: 'essieu cassé',
        newVehicle: { registration: 'BF 1234 AB', nationality: 'BF' },
        newSeals: ['SL-9'],
      }),
      'Nature : Transbordement · Description : essieu cassé · Nouveau véhicule : BF 1234 AB (Burkina Faso) · Nouveaux scellés : SL-9',
    );
    assert.equal(
      read('NOTIFICATION_SENT', { id: 'X:OVERDUE:1', kind: 'OVERDUE', to: ['office:TGCKS001', 'supervisor:TG', 'principal:T1'] }),
      'Objet : Délai dépassé (niveau 1) · Destinataires : bureau Cinkassé (TGCKS001), superviseurs du Togo, principal obligé T1',
    );
  });

  it('shows no raw key on a French page for any key the workflow records', () => {
    const recorded: Record<string, Record<string, unknown>> = {
      LODGED: { lrn: 'L1' },
      BORDER_ARRIVAL: { post: 'PCJ-CINKASSE', late: false },
      EXIT_CONFIRMED: { sealsIntact: true, final: true },
      BORDER_ALERT: { post: 'PCJ-CINKASSE', targetSeconds: 7200 },
      CONTROL_RESULTS: { result: 'DISCREPANCIES', sealsIntact: true, discrepancies: ['2 colis manquants'] },
      DISCREPANCY_RESOLVED: { resolution: 'retrouvés' },
      AMENDED: { reference: 'TG-2' },
      CANCELLED: { reason: 'erreur' },
      ESCALATION_ACKNOWLEDGED: { level: 2, note: 'vu' },
      ENQUIRY_ANSWER: { answer: 'livré', outcome: 'PROOF_OF_ARRIVAL' },
      LATE_ARRIVAL: { deadline: '2026-11-30T12:00:00.000Z' },
      DEADLINE_EXTENDED: { hours: 24, reason: 'panne', deadline: '2026-12-01T12:00:00.000Z' },
      DISCHARGE_REFUSED: { code: 'MOVEMENT_STATE', reason: 'pas encore arrivé' },
      DISCHARGED_AT_DESTINATION: { alternativeProof: 'preuve' },
      AAR_REFUSED: { country: 'BF', code: 'MOVEMENT_EXISTS', reason: 'déjà connu' },
      REJECTED: { code: 'GUARANTEE_INSUFFICIENT', reason: 'solde insuffisant' },
      OVERDUE: { level: 1, deadline: '2026-11-30T12:00:00.000Z' },
    };
    for (const [what, details] of Object.entries(recorded)) {
      for (const detail of describeDetails(what, details, 'fr')) {
        assert.ok(detail.label === undefined || !Object.hasOwn(details, detail.label), `${what}: « ${detail.label} » is a raw key`);
        assert.doesNotMatch(detail.text, /^\{|\btrue\b|\bfalse\b|SATISFACTORY|DISCREPANCIES|PROOF_OF_ARRIVAL/, `${what}.${detail.key}`);
      }
    }
    assert.equal(read('DEADLINE_EXTENDED', recorded.DEADLINE_EXTENDED!), 'Prorogation : 24 h · Motif : panne · Nouveau délai : 01/12/2026 12:00:00');
    assert.equal(read('EXIT_CONFIRMED', recorded.EXIT_CONFIRMED!, 'en'), 'Seals intact: yes · Exit to a third country: end of the transit');
  });
});

describe('say: one shape for words', () => {
  it('takes the reader’s language from {code, fr, en} and from an error body with fr and en', () => {
    const notification = { code: 'OVERDUE', fr: 'En retard', en: 'Overdue' };
    assert.equal(say(notification, 'fr'), 'En retard');
    assert.equal(say({ message: 'Refusé / Refused', fr: 'Refusé', en: 'Refused' }, 'en'), 'Refused');
  });

  it('shows a record from before the change whole, never split on a slash', () => {
    assert.equal(say({ message: 'Transit 1 en retard à A / B / overdue' }, 'en'), 'Transit 1 en retard à A / B / overdue');
    assert.equal(
      say({ message: 'le mouvement appartient à un autre déclarant', en: 'belongs to another declarant' }, 'fr'),
      'le mouvement appartient à un autre déclarant',
    );
    assert.equal(say(undefined, 'fr'), '');
  });

  it('words recipients by country name rather than code', () => {
    assert.equal(recipient('supervisor:BF', 'fr'), 'superviseurs du Burkina Faso');
    assert.equal(recipient('supervisor:BF', 'en'), 'supervisors of Burkina Faso');
    assert.equal(recipient('guarantor:G1', 'fr'), 'garant de la caution G1');
  });
});

describe('every code a person reads has its words', () => {
  // The codes workflows/transit.ts records in the timeline.
  const timelineCodes = (
    'LODGED REGISTERED GUARANTEE_RESERVED ACCEPTED RELEASED AAR_SENT AAR_REFUSED EXIT_NOTICE_SENT EXIT_NOTICE_REFUSED ENTRY_NOTICE_SENT ENTRY_NOTICE_REFUSED BORDER_ARRIVAL EXIT_CONFIRMED ENTRY_ACCEPTED ARRIVED ' +
    'CONTROL_RESULTS DISCREPANCY_RESOLVED DISCHARGED_AT_DESTINATION WRITTEN_OFF GUARANTEE_RELEASED INCIDENT DEADLINE_EXTENDED OVERDUE ' +
    'ESCALATED ENQUIRY_OPENED ENQUIRY_ANSWER RECOVERY REMINDER BORDER_ALERT BORDER_ALERT_CLEARED CONTROL_RESULTS_MISSING ' +
    'ESCALATION_ACKNOWLEDGED ESCALATION_CLOSED LATE_ARRIVAL NOTIFICATION_SENT AMENDED CANCELLED REJECTED DISCHARGE_REFUSED'
  ).split(' ');

  it('words each timeline entry and each public status in both languages', () => {
    for (const code of timelineCodes) assert.ok(eventWords[code]?.fr && eventWords[code]?.en, `timeline ${code}`);
    for (const status of transitStatuses) assert.ok(statusWords[status]?.fr && statusWords[status]?.en, `status ${status}`);
  });

  it('uses the corridor’s customs words', () => {
    assert.equal(eventWords.WRITTEN_OFF!.fr, 'Clôture au bureau de départ');
    assert.equal(eventWords.GUARANTEE_RELEASED!.fr, 'Mainlevée de la caution');
    assert.match(eventWords.RECOVERY!.fr, /mise en jeu de la caution/);
    assert.equal(statusWords.RELEASED!.fr, 'En route');
  });
});
