// Decoding a listed execution's search attributes (src/temporal/visibility.ts) from payloads as the
// server returns them: JSON, with the attribute's type in the payload's metadata.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { decodeSearchAttributes, quote, transitFields, type ExecutionInfo } from '../../src/temporal/visibility.ts';
import * as sa from '../../workflows/search-attributes.ts';

function payload(type: string | undefined, value: unknown) {
  const p = defaultPayloadConverter.toPayload(value)!;
  if (type) p.metadata = { ...p.metadata, type: Buffer.from(type) };
  return p;
}

const listed: ExecutionInfo = {
  execution: { workflowId: '26TG00000000000017', runId: 'run-1' },
  startTime: proto.google.protobuf.Timestamp.fromObject({ seconds: 1_772_438_400, nanos: 250_000_000 }),
  searchAttributes: {
    indexedFields: {
      TransitStatus: payload('Keyword', 'RELEASED'),
      DepartureOffice: payload('Keyword', ['TGLFW001']), // servers may wrap a lone value in an array
      DestinationOffice: payload('Keyword', 'BFOUA001'),
      CurrentOffice: payload('Keyword', 'TGCKS001'),
      DeclarantId: payload('Keyword', '1000164587'),
      VehicleRegistration: payload('Keyword', 'TG 4512 AB'),
      RouteOffices: payload('KeywordList', ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001']),
      Overdue: payload('Bool', true),
      EscalationLevel: payload('Int', 2),
      NextDeadline: payload('Datetime', '2026-03-05T08:00:00Z'),
    },
  },
};

describe('visibility helpers', () => {
  test("a listed movement's summary fields", () => {
    assert.deepEqual(transitFields(listed), {
      mrn: '26TG00000000000017',
      runId: 'run-1',
      status: 'RELEASED',
      departureOffice: 'TGLFW001',
      destinationOffice: 'BFOUA001',
      currentOffice: 'TGCKS001',
      declarant: '1000164587',
      vehicle: 'TG 4512 AB',
      routeOffices: ['TGLFW001', 'TGCKS001', 'BFCKN001', 'BFOUA001'],
      overdue: true,
      borderAlert: false,
      escalationLevel: 2,
      nextDeadline: '2026-03-05T08:00:00.000Z',
      lodgedAt: '2026-03-02T08:00:00.250Z',
      closedAt: undefined,
    });
  });

  test('a movement listed without attributes reads with the defaults', () => {
    const fields = transitFields({ execution: { workflowId: 'M' } });
    assert.equal(fields.status, undefined);
    assert.deepEqual([fields.routeOffices, fields.overdue, fields.borderAlert, fields.escalationLevel], [[], false, false, 0]);
  });

  test('values without a declared type, of another type, or several for one keyword read as absent', () => {
    const attributes = decodeSearchAttributes({
      TransitStatus: payload(undefined, 'RELEASED'),
      EscalationLevel: payload('Int', 'two'),
      CurrentOffice: payload('Keyword', ['TGCKS001', 'BFCKN001']),
      DeclarantId: payload('Text', '1000164587'),
    });
    assert.equal(attributes.get(sa.TransitStatus), undefined);
    assert.equal(attributes.get(sa.EscalationLevel), undefined);
    assert.equal(attributes.get(sa.CurrentOffice), undefined);
    assert.equal(attributes.get(sa.DeclarantId), '1000164587', 'a keyword key reads a text value, as in the SDK');
  });

  test('quote escapes what could change the shape of a query', () => {
    assert.equal(quote("O'Brien"), "'O\\'Brien'");
    assert.equal(quote('a\\'), "'a\\\\'");
  });
});
