// Drives the server's Azure OpenAI-backed models with the official OpenAI Node SDK, unmodified but for its base URL.
// Usage: node azure-conformance.mjs <baseURL> <audio file> <model>
// Prints one JSON object: the json answer (with logprobs) and every streamed event; the .NET test asserts on it.
import fs from "node:fs";
import OpenAI from "openai";

const [baseURL, audioPath, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: "unused", maxRetries: 0, timeout: 60_000 });
const file = () => fs.createReadStream(audioPath);
const out = {};

out.json = await client.audio.transcriptions.create({ file: file(), model, response_format: "json", include: ["logprobs"] });

const events = [];
const stream = await client.audio.transcriptions.create({ file: file(), model, stream: true });
for await (const event of stream) events.push(event);
out.stream = events;

process.stdout.write(JSON.stringify(out));
