/**
 * The registry and the text format 0.0.4: exact output for each metric
 * kind, escaping, number formatting, histogram buckets, the cardinality
 * guard, scrape-time gauges, and a grammar check of every line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHelp, escapeLabelValue, formatNumber } from './exposition.ts';
import { MAX_LABEL_VALUE, MetricsRegistry } from './metrics.ts';
import { assertExposition, sampleLines } from './testing/exposition-grammar.ts';

const samples = sampleLines;

describe('text format 0.0.4', () => {
  test('numbers: integers plain, floats, +Inf, -Inf, NaN', () => {
    assert.deepEqual([1, 0, -3, 0.25, 1e-7, Infinity, -Infinity, NaN].map(formatNumber), ['1', '0', '-3', '0.25', '1e-7', '+Inf', '-Inf', 'NaN']);
  });

  test('escaping: HELP escapes backslash and newline; label values also the double quote', () => {
    assert.equal(escapeHelp('a\\b\nc "q"'), 'a\\\\b\\nc "q"');
    assert.equal(escapeLabelValue('a\\b\nc "q"'), 'a\\\\b\\nc \\"q\\"');
  });

  test('a counter, a gauge and a histogram render exactly', async () => {
    const r = new MetricsRegistry({ prefix: 't_' });
    const c = r.counter({ name: 't_requests_total', help: 'Requests\nby "kind" \\ result', labels: ['kind', 'result'] });
    c.inc({ kind: 'b', result: 'ok' });
    c.inc({ kind: 'a', result: 'say "hi"\\\n' }, 2);
    c.inc({ kind: 'b', result: 'ok' }, 0.5);
    const g = r.gauge({ name: 't_temperature', help: 'A gauge without labels' });
    g.set(-1.5);
    const h = r.histogram({ name: 't_seconds', help: 'Durations', labels: ['op'], buckets: [0.1, 1] });
    h.observe({ op: 'x' }, 0.05);
    h.observe({ op: 'x' }, 0.1);
    h.observe({ op: 'x' }, 3);
    const text = await r.expose();
    assert.equal(
      text,
      [
        '# HELP t_metrics_series_dropped_total Observations dropped because their metric had too many label sets',
        '# TYPE t_metrics_series_dropped_total counter',
        '# HELP t_metrics_collect_errors_total Scrapes at which a gauge could not be read',
        '# TYPE t_metrics_collect_errors_total counter',
        '# HELP t_requests_total Requests\\nby "kind" \\\\ result',
        '# TYPE t_requests_total counter',
        't_requests_total{kind="a",result="say \\"hi\\"\\\\\\n"} 2',
        't_requests_total{kind="b",result="ok"} 1.5',
        '# HELP t_temperature A gauge without labels',
        '# TYPE t_temperature gauge',
        't_temperature -1.5',
        '# HELP t_seconds Durations',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{op="x",le="0.1"} 2',
        't_seconds_bucket{op="x",le="1"} 2',
        't_seconds_bucket{op="x",le="+Inf"} 3',
        't_seconds_sum{op="x"} 3.15',
        't_seconds_count{op="x"} 3',
        '',
      ].join('\n'),
    );
    assertExposition(text);
  });

  test('a counter without labels shows 0 before its first increment', async () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: 'starts_total', help: 'Starts' });
    assert.deepEqual(samples(await r.expose(), 'starts_total'), ['starts_total 0']);
    c.inc();
    c.inc(2);
    assert.deepEqual(samples(await r.expose(), 'starts_total'), ['starts_total 3']);
    assert.equal(c.get(), 3);
  });

  test('histogram buckets are cumulative and le sorts with the other labels last', async () => {
    const r = new MetricsRegistry();
    const h = r.histogram({ name: 'd_seconds', help: 'd', labels: ['a', 'b'], buckets: [1, 2, 5] });
    for (const v of [0.5, 1.5, 1.5, 4, 10, NaN]) h.observe({ a: '1', b: '2' }, v);
    assert.deepEqual(samples(await r.expose(), 'd_seconds_bucket'), [
      'd_seconds_bucket{a="1",b="2",le="1"} 1',
      'd_seconds_bucket{a="1",b="2",le="2"} 3',
      'd_seconds_bucket{a="1",b="2",le="5"} 4',
      'd_seconds_bucket{a="1",b="2",le="+Inf"} 5',
    ]);
    assert.deepEqual(samples(await r.expose(), 'd_seconds_count'), ['d_seconds_count{a="1",b="2"} 5']);
  });
});

describe('registry rules', () => {
  test('the grammar check refuses what Prometheus would (so the format tests can fail)', () => {
    for (const bad of ['m{a="x"y"} 1\n', 'm{a="x"} one\n', '# TYPE m countr\n', 'm 1'])
      assert.throws(() => assertExposition(bad), assert.AssertionError, JSON.stringify(bad));
    assertExposition('m{a="x\\"y"} 1\n');
  });

  test('bad names, reserved labels, duplicate registration and unsorted buckets throw', () => {
    const r = new MetricsRegistry();
    assert.throws(() => r.counter({ name: '1bad', help: '' }));
    assert.throws(() => r.counter({ name: 'ok_total', help: '', labels: ['le'] as const }));
    assert.throws(() => r.counter({ name: 'ok_total', help: '', labels: ['__x'] as const }));
    assert.throws(() => r.counter({ name: 'ok_total', help: '', labels: ['a-b'] as const }));
    assert.throws(() => r.counter({ name: 'ok_total', help: '', labels: ['a', 'a'] as const }));
    assert.throws(() => r.histogram({ name: 'h', help: '', buckets: [2, 1] }));
    r.counter({ name: 'once_total', help: '' });
    assert.throws(() => r.gauge({ name: 'once_total', help: '' }));
  });

  test('a counter never goes down', () => {
    const c = new MetricsRegistry().counter({ name: 'c_total', help: '', labels: ['x'] });
    assert.throws(() => c.inc({ x: '1' }, -1), RangeError);
    assert.equal(c.get({ x: '1' }), 0);
  });

  test('cardinality guard: past maxSeries new label sets are dropped and counted; known ones keep counting', async () => {
    const r = new MetricsRegistry({ prefix: 'zk_', maxSeries: 3 });
    const c = r.counter({ name: 'zk_hits_total', help: 'hits', labels: ['path'] });
    for (let i = 0; i < 10; i++) c.inc({ path: `/p${i}` });
    c.inc({ path: '/p0' });
    const text = await r.expose();
    assert.deepEqual(samples(text, 'zk_hits_total'), ['zk_hits_total{path="/p0"} 2', 'zk_hits_total{path="/p1"} 1', 'zk_hits_total{path="/p2"} 1']);
    assert.deepEqual(samples(text, 'zk_metrics_series_dropped_total'), ['zk_metrics_series_dropped_total{metric="zk_hits_total"} 7']);
    assertExposition(text);
  });

  test('long label values are cut', async () => {
    const r = new MetricsRegistry();
    r.gauge({ name: 'g', help: '', labels: ['v'] }).set({ v: 'x'.repeat(MAX_LABEL_VALUE + 50) }, 1);
    assert.deepEqual(samples(await r.expose(), 'g'), [`g{v="${'x'.repeat(MAX_LABEL_VALUE)}"} 1`]);
  });

  test('a collected gauge has exactly the series of the last scrape; a failing collector empties it and is counted', async () => {
    const r = new MetricsRegistry({ prefix: 'zk_' });
    let rows: { labels: { name: string }; value: number }[] = [
      { labels: { name: 'a' }, value: 1 },
      { labels: { name: 'b' }, value: 2 },
    ];
    let fail = false;
    r.gauge({
      name: 'zk_cert',
      help: 'c',
      labels: ['name'],
      collect: async () => {
        await Promise.resolve();
        if (fail) throw new Error('store closed');
        return rows;
      },
    });
    assert.deepEqual(samples(await r.expose(), 'zk_cert'), ['zk_cert{name="a"} 1', 'zk_cert{name="b"} 2']);
    rows = [{ labels: { name: 'b' }, value: 3 }];
    assert.deepEqual(samples(await r.expose(), 'zk_cert'), ['zk_cert{name="b"} 3']);
    fail = true;
    const text = await r.expose();
    assert.deepEqual(samples(text, 'zk_cert'), []);
    assert.deepEqual(samples(text, 'zk_metrics_collect_errors_total'), ['zk_metrics_collect_errors_total{metric="zk_cert"} 1']);
  });
});
