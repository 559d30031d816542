// Drives the server with the official OpenAI Node SDK, unmodified but for its base URL.
// Usage: node conformance.mjs <baseURL> <audio file> <model>
// Prints one JSON object with what each call returned; the .NET test asserts on it.
import fs from "node:fs";
import OpenAI, { toFile } from "openai";

const [baseURL, audioPath, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey: process.env.STT_TEST_KEY ?? "unused", maxRetries: 0, timeout: 120_000 });
const file = () => fs.createReadStream(audioPath);
const out = {};

const json = await client.audio.transcriptions.create({ file: file(), model, response_format: "json" });
out.json = json;

const verbose = await client.audio.transcriptions.create({
  file: file(), model, response_format: "verbose_json", timestamp_granularities: ["word", "segment"],
});
out.verbose_json = verbose;

const text = await client.audio.transcriptions.create({ file: file(), model, response_format: "text" });
out.text = text;

const translation = await client.audio.translations.create({ file: file(), model, response_format: "json" });
out.translation = translation;

const events = [];
const stream = await client.audio.transcriptions.create({ file: file(), model, stream: true });
for await (const event of stream) events.push(event);
out.stream = events;

// Uploads built in memory (toFile) take the same path.
const bytes = fs.readFileSync(audioPath);
out.to_file = await client.audio.transcriptions.create({ file: await toFile(bytes, "clip.bin"), model });

try {
  await client.audio.transcriptions.create({ file: file(), model: "no-such-model" });
  out.error = null;
} catch (e) {
  out.error = { status: e.status, type: e.type, code: e.code, param: e.param, message: e.message };
}

process.stdout.write(JSON.stringify(out));
