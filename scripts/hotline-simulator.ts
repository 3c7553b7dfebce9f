/**
 * Local 12345 hotline simulator (a stand-in, not the real hotline): pushes sample work orders to a
 * running Linli and prints the result callbacks Linli sends back.
 *
 *   LINLI_URL=http://localhost:8080 HOTLINE_TOKEN=llk_… HOTLINE_SECRET=… \
 *     npm run hotline:sim -- --orders 3 --address "…" [--lat 36.66 --lng 117.02] [--region-code 370102001001] [--port 9345]
 *
 * Link it first (POST /api/interop/hotline/links with callbackUrl http://127.0.0.1:<port>/callbacks),
 * and allow that address for outgoing calls: LINLI_OUTBOUND_ALLOW=127.0.0.1:<port>. Stop with Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { HotlineSimulator, sampleOrder } from '../server/modules/interop/simulator.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1' }, address: { type: 'string' }, lat: { type: 'string' }, lng: { type: 'string' },
    'region-code': { type: 'string' }, port: { type: 'string', default: '9345' }, down: { type: 'boolean', default: false },
  },
});
const { LINLI_URL = 'http://localhost:8080', HOTLINE_TOKEN, HOTLINE_SECRET } = process.env;
if (!HOTLINE_TOKEN || !HOTLINE_SECRET) {
  console.error('set HOTLINE_TOKEN (integration token with hotline.push) and HOTLINE_SECRET (the link’s signing secret)');
  process.exit(2);
}
const sim = new HotlineSimulator({ linliUrl: LINLI_URL, token: HOTLINE_TOKEN, secret: HOTLINE_SECRET });
sim.down = values.down!;
const url = await sim.listen(Number(values.port));
console.log(`callbacks: ${url}${sim.down ? ' (answering 503: hotline down)' : ''}`);
for (let i = 0; i < Number(values.orders); i++) {
  const order = sampleOrder(i, {
    address: values.address ?? '历下区某小区', ...(values.lat ? { lat: Number(values.lat), lng: Number(values.lng) } : {}), ...(values['region-code'] ? { regionCode: values['region-code'] } : {}),
  });
  const res = await sim.push(order);
  console.log(`push ${order.orderNo}: ${res.status} ${JSON.stringify(res.body)}`);
}
let seen = 0;
setInterval(() => {
  for (; seen < sim.callbacks.length; seen++) console.log(`callback: ${JSON.stringify(sim.callbacks[seen].payload)} signature ${sim.callbacks[seen].signatureOk ? 'ok' : 'BAD'}`);
}, 500);
process.on('SIGINT', () => void sim.close().then(() => process.exit(0)));
