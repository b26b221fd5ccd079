const origQuery = (require('pg').Client.prototype as any).query;
const times = new Map<string, { n: number; ms: number }>();
(require('pg').Client.prototype as any).query = function (this: any, text: any, ...rest: any[]) {
  const label = (typeof text === 'string' ? text : text?.text ?? text?.constructor?.name ?? '?').replace(/\s+/g, ' ').slice(0, 100);
  const t0 = process.hrtime.bigint();
  const r = origQuery.call(this, text, ...rest);
  const done = () => { const e = times.get(label) ?? { n: 0, ms: 0 }; e.n++; e.ms += Number(process.hrtime.bigint() - t0) / 1e6; times.set(label, e); };
  if (r && typeof r.then === 'function') return r.then((v: any) => { done(); return v; });
  if (r && typeof r.on === 'function') { r.on('finish', done); }
  return r;
};
process.on('exit', () => {
  const list = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  for (const [k, v] of list) console.log(v.ms.toFixed(0).padStart(7), String(v.n).padStart(6), k);
});
require(process.env.TARGET as string);
