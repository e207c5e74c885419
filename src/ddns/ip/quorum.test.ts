import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitStatusFor } from '../../core/codes.ts';
import { tally, vote } from './quorum.ts';
import type { IpSourceReason } from './reasons.ts';
import type { SourceAnswer } from './types.ts';

const says = (source: string, address: string): SourceAnswer => ({ type: 'http', source, address, answer: address, elapsedMs: 1 });
const refused = (source: string, answer: string, reason: IpSourceReason): SourceAnswer => ({ type: 'http', source, answer, reason, elapsedMs: 1 });

void test('the agreed address wins; liars keep their reason, dissenters are "disagrees"', () => {
  const d = vote(4, [says('a', '81.2.3.4'), refused('b', '192.168.1.20', 'private'), says('c', '81.2.3.4'), says('d', '81.2.3.99'), says('e', '81.2.3.4')], 2);
  assert.equal(d.address, '81.2.3.4');
  assert.equal(d.votes, 3);
  assert.equal(d.error, undefined);
  assert.deepEqual(
    d.sources.map((s) => [s.source, s.accepted, s.reason]),
    [
      ['a', true, undefined],
      ['b', false, 'private'],
      ['c', true, undefined],
      ['d', false, 'disagrees'],
      ['e', true, undefined],
    ],
  );
});

void test('too few agreeing sources: no address, IP_QUORUM_NOT_REACHED naming every source', () => {
  const d = vote(6, [says('a', '2a01:4f8::1'), refused('b', '<html>…', 'html'), { type: 'http', source: 'c', reason: 'timeout', errorCode: 'HTTP_TIMEOUT', elapsedMs: 5 }], 2);
  assert.equal(d.address, undefined);
  assert.equal(d.votes, 1);
  assert.equal(d.sources[0]?.reason, 'not-confirmed');
  assert.equal(d.error?.code, 'IP_QUORUM_NOT_REACHED');
  assert.equal(exitStatusFor('IP_QUORUM_NOT_REACHED'), 1);
  const ev = d.error?.diagnosis.evidence;
  assert.equal(ev?.['family'], 'ipv6');
  assert.equal(ev?.['quorum'], 2);
  assert.deepEqual(ev?.['candidates'], [{ address: '2a01:4f8::1', votes: 1 }]);
  assert.deepEqual(ev?.['sources'], [
    { type: 'http', source: 'a', answer: '2a01:4f8::1', reason: 'not-confirmed' },
    { type: 'http', source: 'b', answer: '<html>…', reason: 'html' },
    { type: 'http', source: 'c', reason: 'timeout', errorCode: 'HTTP_TIMEOUT' },
  ]);
});

void test('a tie at the top chooses nothing, even when both reach the quorum', () => {
  const d = vote(4, [says('a', '81.2.3.4'), says('b', '81.2.3.5'), says('c', '81.2.3.5'), says('d', '81.2.3.4')], 2);
  assert.equal(d.address, undefined);
  assert.equal(d.error?.code, 'IP_QUORUM_NOT_REACHED');
  assert.ok(d.sources.every((s) => s.reason === 'not-confirmed'));
});

void test('a majority above the quorum wins over a minority that also reaches it', () => {
  const d = vote(4, [says('a', '81.2.3.5'), says('b', '81.2.3.4'), says('c', '81.2.3.4'), says('d', '81.2.3.5'), says('e', '81.2.3.4')], 2);
  assert.equal(d.address, '81.2.3.4');
  assert.deepEqual(
    d.sources.filter((s) => !s.accepted).map((s) => [s.source, s.reason]),
    [
      ['a', 'disagrees'],
      ['d', 'disagrees'],
    ],
  );
});

void test('quorum 1 with one source; no answers at all', () => {
  assert.equal(vote(4, [says('only', '81.2.3.4')], 1).address, '81.2.3.4');
  const none = vote(4, [refused('x', '', 'empty-answer')], 1);
  assert.equal(none.address, undefined);
  assert.equal(none.votes, 0);
  assert.equal(none.error?.code, 'IP_QUORUM_NOT_REACHED');
  assert.deepEqual(tally([says('a', '1.1.1.1'), says('b', '8.8.8.8'), says('c', '8.8.8.8')]), [
    { address: '8.8.8.8', votes: 2 },
    { address: '1.1.1.1', votes: 1 },
  ]);
});
