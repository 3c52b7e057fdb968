// The floor for the HTTP benchmark: the Agents SDK's smallest echo bot (the quickstart sample:
// AgentApplication with MemoryStorage, "you said: ..."), behind the same express + authorizeJWT +
// CloudAdapter path as Backline's /api/messages, anonymous (no app credentials), in its own process.
import express from 'express';
import { ActivityTypes } from '@microsoft/agents-activity';
import {
  AgentApplication,
  authorizeJWT,
  CloudAdapter,
  MemoryStorage,
  type AuthConfiguration,
  type Request as AgentRequest,
  type TurnState,
} from '@microsoft/agents-hosting';

const agent = new AgentApplication<TurnState>({ storage: new MemoryStorage() });
agent.onActivity(ActivityTypes.Message, async (context) => {
  await context.sendActivity(`you said: ${context.activity.text ?? ''}`);
});

const authConfig = {} as AuthConfiguration;
const adapter = new CloudAdapter(authConfig);
const app = express();
const jwt = authorizeJWT(authConfig);
app.post(
  '/api/messages',
  express.json(),
  (req, res, next) => jwt(req as unknown as AgentRequest, res as never, next),
  async (req, res) => {
    await adapter.process(req as unknown as AgentRequest, res as never, (context) => agent.run(context));
  },
);
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`echo bot listening on http://localhost:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
