// `npm run balancer -- --listen 8080 --to 8081,8082`: a round-robin load balancer in front of several
// Linli API processes on this machine (scripts/lib/balancer.ts; docs/scaling.md).
import { parseArgs } from 'node:util';
import { startBalancer } from './lib/balancer.ts';

const { values } = parseArgs({ options: { listen: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, to: { type: 'string' } } });
if (!values.to) {
  console.error('usage: npm run balancer -- --listen 8080 --to 8081,8082[,host:port…]');
  process.exit(2);
}
const backends = values.to.split(',').map((t) => {
  const [host, port] = t.includes(':') ? t.split(':') : ['127.0.0.1', t];
  return { host, port: Number(port) };
});
const lb = await startBalancer(backends, { host: values.host, port: Number(values.listen) });
console.log(`balancing ${values.host}:${lb.port} → ${backends.map((b) => `${b.host}:${b.port}`).join(', ')}`);
