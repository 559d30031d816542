// Live transcription with unmodified client libraries against the server's Realtime endpoint.
// Usage: node realtime.mjs <vercel|openai> <baseURL> <pcm16 24 kHz raw file> <model>
// Prints one JSON object with what the client saw; the .NET test asserts on it.
import fs from "node:fs";
import WebSocket from "ws";

const [mode, baseURL, pcmPath, model] = process.argv.slice(2);
const apiKey = process.env.STT_TEST_KEY ?? "unused";
const pcm = fs.readFileSync(pcmPath);
// 100 ms pieces of 24 kHz 16-bit mono, as a microphone would deliver them.
const pieces = [];
for (let i = 0; i < pcm.length; i += 4800) pieces.push(new Uint8Array(pcm.subarray(i, Math.min(i + 4800, pcm.length))));

async function vercel() {
  const { createOpenAI } = await import("@ai-sdk/openai");
  const { experimental_streamTranscribe: streamTranscribe } = await import("ai");
  const openai = createOpenAI({ baseURL, apiKey, webSocket: WebSocket });
  const audio = new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(p);
      controller.close();
    },
  });
  const result = streamTranscribe({ model: openai.transcription(model), audio, inputAudioFormat: { type: "audio/pcm", rate: 24000 } });
  const parts = [];
  for await (const part of result.fullStream) parts.push(part.type === "transcript-delta" ? { type: part.type, delta: part.delta } : { type: part.type });
  return { text: await result.text, parts: parts.map((p) => p.type), deltas: parts.filter((p) => p.delta !== undefined).map((p) => p.delta) };
}

async function openaiSdk() {
  const { default: OpenAI } = await import("openai");
  const { OpenAIRealtimeWS } = await import("openai/realtime/ws");
  const client = new OpenAI({ baseURL, apiKey });
  const rt = new OpenAIRealtimeWS({ intent: "transcription" }, client);
  const events = [];
  const done = new Promise((resolve, reject) => {
    rt.on("error", (e) => reject(new Error(String(e?.message ?? e))));
    rt.on("event", (e) => {
      events.push(e);
      if (e.type === "session.created") {
        rt.send({ type: "session.update", session: { type: "transcription", audio: { input: { format: { type: "audio/pcm", rate: 24000 }, transcription: { model }, turn_detection: null } } } });
      } else if (e.type === "session.updated") {
        for (const p of pieces) rt.send({ type: "input_audio_buffer.append", audio: Buffer.from(p).toString("base64") });
        rt.send({ type: "input_audio_buffer.commit" });
      } else if (e.type === "conversation.item.input_audio_transcription.completed") {
        resolve(e);
      }
    });
  });
  const completed = await done;
  rt.close();
  return { text: completed.transcript, types: events.map((e) => e.type) };
}

const out = mode === "vercel" ? await vercel() : await openaiSdk();
console.log(JSON.stringify(out));
