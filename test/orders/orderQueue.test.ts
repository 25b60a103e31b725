import { describe, expect, it } from 'vitest';
import { OrderQueue } from '../../src/orders/orderQueue.ts';

/** A job that records when it starts and finishes only when the test releases it. */
function gated(log: string[], name: string) {
  let release: () => void = () => undefined;
  const done = new Promise<void>((r) => {
    release = r;
  });
  return {
    run: async () => {
      log.push(`start:${name}`);
      await done;
      log.push(`end:${name}`);
    },
    release: () => release(),
  };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

describe('order queue lanes', () => {
  it('runs jobs of different symbols together, one symbol in turn', async () => {
    const queue = new OrderQueue(undefined, 4);
    const log: string[] = [];
    const a1 = gated(log, 'A1');
    const a2 = gated(log, 'A2');
    const b1 = gated(log, 'B1');
    const p = [queue.enqueue('entry', 'A1', a1.run, 'AUSDT'), queue.enqueue('entry', 'A2', a2.run, 'AUSDT'), queue.enqueue('entry', 'B1', b1.run, 'BUSDT')];
    await flush();
    expect(log).toEqual(['start:A1', 'start:B1']);
    expect(queue.depth()).toBe(3);
    expect(queue.current()).toBe('A1, B1');
    b1.release();
    await flush();
    expect(log).toEqual(['start:A1', 'start:B1', 'end:B1']);
    a1.release();
    await flush();
    expect(log.slice(3)).toEqual(['end:A1', 'start:A2']);
    a2.release();
    await Promise.all(p);
    expect(queue.depth()).toBe(0);
  });

  it('never runs more than maxConcurrent jobs; a waiting stop of a symbol goes before its next entry', async () => {
    const queue = new OrderQueue(undefined, 2);
    const log: string[] = [];
    const jobs = ['A', 'B', 'C'].map((s) => gated(log, `${s}1`));
    const p = jobs.map((j, i) => queue.enqueue('entry', `${'ABC'[i]}1`, j.run, `${'ABC'[i]}USDT`));
    const a2 = gated(log, 'A2');
    const stopA = gated(log, 'stopA');
    p.push(queue.enqueue('entry', 'A2', a2.run, 'AUSDT'), queue.enqueue('protect', 'stopA', stopA.run, 'AUSDT'));
    await flush();
    expect(log).toEqual(['start:A1', 'start:B1']);
    jobs[0]!.release();
    await flush();
    // A's lane is free: its stop (protective) starts before C's entry and A's next entry.
    expect(log.slice(2)).toEqual(['end:A1', 'start:stopA']);
    stopA.release();
    await flush();
    expect(log.slice(4)).toEqual(['end:stopA', 'start:C1']);
    jobs[1]!.release();
    await flush();
    expect(log.slice(6)).toEqual(['end:B1', 'start:A2']);
    jobs[2]!.release();
    a2.release();
    await Promise.all(p);
  });

  it('an account-wide job runs alone and is not overtaken', async () => {
    const queue = new OrderQueue(undefined, 4);
    const log: string[] = [];
    const a = gated(log, 'A');
    const sweep = gated(log, 'sweep');
    const b = gated(log, 'B');
    const p = [queue.enqueue('entry', 'A', a.run, 'AUSDT'), queue.enqueue('cancel', 'sweep', sweep.run), queue.enqueue('entry', 'B', b.run, 'BUSDT')];
    await flush();
    expect(log).toEqual(['start:A']);
    a.release();
    await flush();
    expect(log).toEqual(['start:A', 'end:A', 'start:sweep']);
    sweep.release();
    await flush();
    expect(log.slice(3)).toEqual(['end:sweep', 'start:B']);
    b.release();
    await Promise.all(p);
  });

  it('a job that throws synchronously rejects its caller and frees its lane', async () => {
    const queue = new OrderQueue(undefined, 2);
    const boom = queue.enqueue('entry', 'x', () => {
      throw new Error('boom');
    }, 'AUSDT');
    await expect(boom).rejects.toThrow('boom');
    await expect(queue.enqueue('entry', 'y', async () => 7, 'AUSDT')).resolves.toBe(7);
  });
});
