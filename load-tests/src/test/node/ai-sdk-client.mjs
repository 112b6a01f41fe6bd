// One request through the relay with the Vercel AI SDK, as an app would make it. Driven by AiSdkClientTest:
//   node ai-sdk-client.mjs <v6|v5> <baseURL> <chat|responses> <stream|whole> <prompt>
// Prints one JSON line: {"text": ..., "finishReason": ..., "errors": [...]}. The SDK parses SSE itself and validates
// every chunk with its schemas: a synthetic event it rejects shows up as finishReason "unknown" or an error.
const [, , sdk, baseURL, api, kind, prompt] = process.argv;
const { createOpenAI } = await import(sdk === 'v5' ? 'openai-provider-v2' : '@ai-sdk/openai');
const { generateText, streamText } = await import(sdk === 'v5' ? 'ai-v5' : 'ai');

const openai = createOpenAI({ baseURL, apiKey: 'sk-client' });
const model = api === 'chat' ? openai.chat('gpt-4o-mini') : openai.responses('gpt-4o-mini');
const errors = [];
let out;
if (kind === 'stream') {
  const result = streamText({ model, prompt, maxRetries: 0, onError: ({ error }) => errors.push(String(error)) });
  let text = '';
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') text += part.text ?? part.textDelta ?? '';
    if (part.type === 'error') errors.push(String(part.error));
  }
  out = { text, finishReason: await result.finishReason, errors };
} else {
  const result = await generateText({ model, prompt, maxRetries: 0 });
  out = { text: result.text, finishReason: result.finishReason, errors };
}
console.log(JSON.stringify(out));
