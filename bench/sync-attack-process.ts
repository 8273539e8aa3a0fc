/**
 * The attackers of the sync benchmark's "edit → visible under attack", in a process of their own
 * (see sync-attack.ts). Reads its configuration as JSON on stdin, prints its counts as a JSON line
 * every 250 ms, and stops on SIGTERM after printing them once more.
 */
import { runAttackers, type AttackConfig, type AttackCounts } from './sync-attack';

let input = '';
for await (const chunk of process.stdin) input += String(chunk);
const parsed = JSON.parse(input) as Omit<AttackConfig, 'valid'> & { valid: string };
const config: AttackConfig = { ...parsed, valid: new Uint8Array(Buffer.from(parsed.valid, 'base64')) };
const counts: AttackCounts = { sent: 0, answers: 0, closed: 0 };
let running = true;
const report = () => process.stdout.write(`${JSON.stringify(counts)}\n`);
const ticker = setInterval(report, 250);
process.once('SIGTERM', () => (running = false));
await runAttackers(config, counts, () => running);
clearInterval(ticker);
report();
process.exit(0);
