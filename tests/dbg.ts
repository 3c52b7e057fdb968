import { Chat, testBackline } from './helpers/backline.js';
const b = testBackline();
const c = await new Chat(b).open();
for (const t of process.argv.slice(2)) { await c.say(t); console.log('>>', t, '\n', c.text(), JSON.stringify(c.asked())); }
await b.close();
