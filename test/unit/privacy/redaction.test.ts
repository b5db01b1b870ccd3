import { describe, expect, it } from '@jest/globals';
import { candidateValues } from '../../../shared/privacy/raw-bodies.js';
import { jobView, REDACTION_STEPS, type RedactionJobItem } from '../../../shared/privacy/model.js';
import { employeeIndexOf, employeeSubjectId } from '../../../shared/platform/crypto/employee-subject.js';

describe('raw body scanning', () => {
  it('finds every value of a JSON body at any depth, numbers included', () => {
    const body = Buffer.from(JSON.stringify({ records: [{ id: 'T1', employeeNumber: 'E-1', nested: { list: ['x', 42] } }], meta: { by: 'E-2' } }));
    expect(candidateValues(body).sort()).toEqual(['42', 'E-1', 'E-2', 'T1', 'x'].sort());
  });

  it('finds every cell of a CSV body, invalid rows included', () => {
    const csv = Buffer.from('id;employeeNumber;labourCost\r\n"T;1";E-9;abc\r\nT2;"E 10";12,5\r\n');
    expect(candidateValues(csv)).toEqual(expect.arrayContaining(['T;1', 'E-9', 'abc', 'T2', 'E 10', '12,5']));
  });

  it('falls back to tokens for a body that is neither', () => {
    expect(candidateValues(Buffer.from('garbage "E-77" , more\n"unterminated'))).toEqual(expect.arrayContaining(['E-77', 'garbage', 'more']));
  });
});

describe('redaction job model', () => {
  it('derives employee subjects from blind indexes and back', () => {
    expect(employeeSubjectId('abc_-1')).toBe('emp:abc_-1');
    expect(employeeIndexOf('emp:abc_-1')).toBe('abc_-1');
    expect(employeeIndexOf('3f0c6a1e-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('shows a job without its sealed request details or subject key ids', () => {
    const job: RedactionJobItem = {
      id: 'j1',
      tenantId: 't1',
      type: 'redactionJob',
      subjectKind: 'employee',
      subjectIds: ['emp:secret-index'],
      subjectKey: 'emp:secret-index',
      pseudonym: 'Redacted employee 7f3a',
      status: 'running',
      steps: ['disable-login', 'end-sessions'],
      counts: { keysShredded: 1 },
      requester: { via: 'platform-operator', actorId: 'op1' },
      enc: { reason: { v: 1, s: '_privacy', c: 'AAAA' }, requestedBy: { v: 1, s: '_privacy', c: 'BBBB' } },
      requestedAt: '2026-01-01T00:00:00.000Z',
      attempts: 1,
      origin: 'redaction-request',
    };
    const view = jobView(job);
    expect(view).toMatchObject({ jobId: 'j1', status: 'running', stepsDone: ['disable-login', 'end-sessions'], steps: REDACTION_STEPS, requestedVia: 'platform-operator', userId: null });
    expect(JSON.stringify(view)).not.toMatch(/secret-index|AAAA|BBBB/);
  });
});
