// The official `openai` npm client, unchanged, against the control plane's /v1 API.
// usage: node openai-client.mjs <baseURL> <apiKey> <model> <node_modules dir holding openai>
// Prints one JSON line: {"plain": "...", "plainFinish": "...", "streamed": ["..."], "streamFinish": "...", "usage": n}
import { createRequire } from 'node:module';

const [baseURL, apiKey, model, modulesDir] = process.argv.slice(2);
const require = createRequire(modulesDir.replace(/\/?$/, '/'));
const OpenAI = require('openai').default ?? require('openai');

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Say hello' }];

const plain = await client.chat.completions.create({ model, messages });
const streamed = [];
let streamFinish = null;
let usage = null;
const stream = await client.chat.completions.create({
  model, messages, stream: true, stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  for (const choice of chunk.choices) {
    if (choice.delta?.content) streamed.push(choice.delta.content);
    if (choice.finish_reason) streamFinish = choice.finish_reason;
  }
  if (chunk.usage) usage = chunk.usage.completion_tokens;
}
console.log(JSON.stringify({
  plain: plain.choices[0].message.content,
  plainFinish: plain.choices[0].finish_reason,
  streamed, streamFinish, usage,
}));
