// The official JS SDK (@langchain/langgraph-sdk, pinned in package.json) over its whole
// surface against a live Switchyard: run by tests/clients/test_js_sdk.py, which starts
// daphne and passes SWITCHYARD_API and SWITCHYARD_KEY.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client } from "@langchain/langgraph-sdk";

const client = new Client({
  apiUrl: process.env.SWITCHYARD_API,
  apiKey: process.env.SWITCHYARD_KEY,
});

const human = (content) => ({ messages: [{ type: "human", content }] });

async function collect(stream) {
  const parts = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe("assistants", () => {
  it("search, get, graph, schemas, subgraphs, count", async () => {
    const found = await client.assistants.search({ graphId: "nested" });
    assert.equal(found.length, 1);
    const nested = await client.assistants.get(found[0].assistant_id);
    assert.equal(nested.graph_id, "nested");
    const drawn = await client.assistants.getGraph(nested.assistant_id);
    assert.ok(drawn.nodes.some((n) => n.id === "child"));
    const schemas = await client.assistants.getSchemas(nested.assistant_id);
    assert.ok("steps" in schemas.state_schema.properties);
    const subgraphs = await client.assistants.getSubgraphs(nested.assistant_id);
    assert.deepEqual(Object.keys(subgraphs), ["child"]);
    assert.ok("steps" in subgraphs.child.state_schema.properties);
    const one = await client.assistants.getSubgraphs(nested.assistant_id, {
      namespace: "child",
      recurse: true,
    });
    assert.deepEqual(Object.keys(one), ["child"]);
    const total = await client.assistants.count();
    assert.ok(total >= 3, `count ${total}`);
    assert.equal(await client.assistants.count({ graphId: "chat" }), 1);
  });

  it("create, update, versions, setLatest, delete", async () => {
    const made = await client.assistants.create({
      graphId: "chat",
      name: "js-bot",
      metadata: { owner: "js" },
    });
    assert.equal(made.name, "js-bot");
    const updated = await client.assistants.update(made.assistant_id, { name: "js-bot-2" });
    assert.equal(updated.version, 2);
    const versions = await client.assistants.getVersions(made.assistant_id);
    assert.deepEqual(
      versions.map((v) => v.version).sort(),
      [1, 2],
    );
    const latest = await client.assistants.setLatest(made.assistant_id, 1);
    assert.equal(latest.name, "js-bot");
    await client.assistants.delete(made.assistant_id);
    await assert.rejects(client.assistants.get(made.assistant_id), /404/);
  });
});

describe("threads", () => {
  it("create, get, update, search, count, copy, delete, prune", async () => {
    const thread = await client.threads.create({ metadata: { suite: "js" } });
    assert.equal((await client.threads.get(thread.thread_id)).metadata.suite, "js");
    const updated = await client.threads.update(thread.thread_id, {
      metadata: { suite: "js", step: 2 },
    });
    assert.equal(updated.metadata.step, 2);
    const found = await client.threads.search({ metadata: { step: 2 } });
    assert.deepEqual(
      found.map((t) => t.thread_id),
      [thread.thread_id],
    );
    assert.equal(await client.threads.count({ metadata: { step: 2 } }), 1);
    const copy = await client.threads.copy(thread.thread_id);
    assert.notEqual(copy.thread_id, thread.thread_id);
    await client.threads.delete(copy.thread_id);
    await assert.rejects(client.threads.get(copy.thread_id), /404/);
    const pruned = await client.threads.prune([thread.thread_id]);
    assert.deepEqual(pruned, { pruned_count: 1 });
    await assert.rejects(client.threads.get(thread.thread_id), /404/);
  });

  it("state, update state, history, keep_latest prune", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "chat", { input: human("hello") });
    const state = await client.threads.getState(thread.thread_id);
    assert.equal(state.values.messages.at(-1).content, "You said: hello");
    await client.threads.updateState(thread.thread_id, {
      values: { messages: [{ type: "ai", content: "edited", id: "edit-1" }] },
      asNode: "agent",
    });
    const after = await client.threads.getState(thread.thread_id);
    assert.equal(after.values.messages.at(-1).content, "edited");
    const history = await client.threads.getHistory(thread.thread_id, { limit: 10 });
    assert.ok(history.length >= 3, `history ${history.length}`);
    const older = await client.threads.getState(thread.thread_id, history[1].checkpoint);
    assert.equal(older.values.messages.at(-1).content, "You said: hello");
    const result = await client.threads.prune([thread.thread_id], { strategy: "keep_latest" });
    assert.deepEqual(result, { pruned_count: 1 });
    const kept = await client.threads.getHistory(thread.thread_id);
    assert.equal(kept.length, 1);
    assert.equal(kept[0].values.messages.at(-1).content, "edited");
  });
});

describe("runs", () => {
  it("create, join, get, list, delete", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "chat", { input: human("bg") });
    const joined = await client.runs.join(thread.thread_id, run.run_id);
    assert.equal(joined.messages.at(-1).content, "You said: bg");
    assert.equal((await client.runs.get(thread.thread_id, run.run_id)).status, "success");
    const listed = await client.runs.list(thread.thread_id);
    assert.deepEqual(
      listed.map((r) => r.run_id),
      [run.run_id],
    );
    await client.runs.delete(thread.thread_id, run.run_id);
    await assert.rejects(client.runs.get(thread.thread_id, run.run_id), /404/);
  });

  it("stream values, updates, messages-tuple, debug; tool call", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, "chat", {
        input: human("weather today?"),
        streamMode: ["values", "updates", "messages-tuple"],
      }),
    );
    const events = new Set(parts.map((p) => p.event));
    assert.ok(events.has("metadata") && events.has("values") && events.has("updates"), [...events]);
    const tokens = parts
      .filter((p) => p.event === "messages")
      .map((p) => p.data[0].content)
      .join("");
    assert.ok(tokens.includes("The weather: sunny in Paris."), tokens);
    const last = parts.filter((p) => p.event === "values").at(-1).data;
    const types = last.messages.map((m) => m.type);
    assert.deepEqual(types, ["human", "ai", "tool", "ai"]);
    assert.equal(last.messages[1].tool_calls[0].name, "get_weather");
  });

  it("stream with an interrupt, resume with a command", async () => {
    const thread = await client.threads.create();
    const first = await collect(
      client.runs.stream(thread.thread_id, "chat", {
        input: human("book a table"),
        streamMode: ["values", "updates"],
      }),
    );
    const interrupted = first.filter(
      (p) => p.event === "updates" && p.data.__interrupt__,
    );
    assert.equal(interrupted.length, 1);
    assert.match(interrupted[0].data.__interrupt__[0].value.question, /Book/);
    const paused = await client.threads.get(thread.thread_id);
    assert.equal(paused.status, "interrupted");
    const resumed = await client.runs.wait(thread.thread_id, "chat", {
      command: { resume: "yes please" },
    });
    assert.equal(resumed.messages.at(-1).content, "Booking answer: yes please");
  });

  it("stateless wait and stream, batch", async () => {
    const waited = await client.runs.wait(null, "chat", { input: human("stateless") });
    assert.equal(waited.messages.at(-1).content, "You said: stateless");
    const parts = await collect(client.runs.stream(null, "chat", { input: human("s2") }));
    const values = parts.filter((p) => p.event === "values").at(-1).data;
    assert.equal(values.messages.at(-1).content, "You said: s2");
    const batch = await client.runs.createBatch([
      { assistantId: "chat", input: human("b1") },
      { assistantId: "nested", input: {} },
    ]);
    assert.equal(batch.length, 2);
    const done = await Promise.all(batch.map((r) => client.runs.join(r.thread_id, r.run_id)));
    assert.equal(done[0].messages.at(-1).content, "You said: b1");
    assert.deepEqual(done[1].steps, ["first", "first", "inner"]);
  });

  it("joinStream, cancel, cancelMany", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "slow", { input: {} });
    const seen = [];
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id, {
      streamMode: "updates",
    })) {
      seen.push(part);
      if (part.event === "updates") break;
    }
    assert.ok(seen.some((p) => p.event === "updates"));
    await client.runs.cancel(thread.thread_id, run.run_id, true);
    assert.equal((await client.runs.get(thread.thread_id, run.run_id)).status, "interrupted");

    const other = await client.threads.create();
    const a = await client.runs.create(other.thread_id, "slow", { input: {} });
    const b = await client.runs.create(other.thread_id, "slow", {
      input: {},
      multitaskStrategy: "enqueue",
    });
    await client.runs.cancelMany({ threadId: other.thread_id, runIds: [a.run_id, b.run_id] });
    for (const r of [a, b]) await client.runs.join(other.thread_id, r.run_id);
    const statuses = (await client.runs.list(other.thread_id)).map((r) => r.status);
    assert.deepEqual(statuses, ["interrupted", "interrupted"]);
  });
});

describe("more of the surface", () => {
  it("patchState merges checkpoint metadata", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "chat", { input: human("meta") });
    await client.threads.patchState(thread.thread_id, { reviewed: true });
    const state = await client.threads.getState(thread.thread_id);
    assert.equal(state.metadata.reviewed, true);
  });

  it("stream modes custom, debug, tasks, checkpoints, events; subgraphs", async () => {
    const parts = await collect(
      client.runs.stream(null, "nested", {
        input: {},
        streamMode: ["debug", "tasks", "checkpoints", "updates"],
        streamSubgraphs: true,
      }),
    );
    const events = [...new Set(parts.map((p) => p.event.split("|")[0]))].sort();
    for (const mode of ["checkpoints", "debug", "tasks", "updates"]) {
      assert.ok(events.includes(mode), `${mode} missing from ${events}`);
    }
    assert.ok(
      parts.some((p) => p.event.startsWith("updates|child")),
      parts.map((p) => p.event).join(","),
    );
    const evented = await collect(
      client.runs.stream(null, "chat", { input: human("ev"), streamMode: "events" }),
    );
    assert.ok(evented.some((p) => p.event === "events"));
  });

  it("ifNotExists creates the thread; thread joinStream sees the run", async () => {
    const threadId = crypto.randomUUID();
    const seen = [];
    const watching = (async () => {
      await new Promise((r) => setTimeout(r, 300));
      const stream = client.threads.joinStream(threadId, { streamMode: "run_modes" });
      for await (const part of stream) {
        seen.push(part);
        if (part.event === "metadata" && part.data.status === "run_done") break;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const waited = await client.runs.wait(threadId, "chat", {
      input: human("fresh"),
      ifNotExists: "create",
      afterSeconds: 1,
    });
    assert.equal(waited.messages.at(-1).content, "You said: fresh");
    await watching;
    assert.ok(seen.some((p) => p.event === "values"), seen.map((p) => p.event).join(","));
  });

  it("a webhook receives the finished run", async () => {
    const { createServer } = await import("node:http");
    const got = new Promise((resolve) => {
      const server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
          res.end();
          server.close();
          resolve(JSON.parse(body));
        });
      }).listen(0, "127.0.0.1", () => {
        const url = `http://127.0.0.1:${server.address().port}/hook`;
        client.runs.wait(null, "chat", { input: human("hook"), webhook: url });
      });
    });
    const run = await got;
    assert.equal(run.status, "success");
    assert.equal(run.values.messages.at(-1).content, "You said: hook");
  });
});

describe("not served", () => {
  it("client.threads.stream's protocol is refused with a 404 naming what to use", async () => {
    const thread = client.threads.stream({ assistantId: "chat" });
    await assert.rejects(thread.run.start({ input: human("v2") }), /404/);
    const response = await fetch(`${process.env.SWITCHYARD_API}/threads/${thread.threadId}/commands`, {
      method: "POST",
      headers: { "x-api-key": process.env.SWITCHYARD_KEY, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(response.status, 404);
    assert.match((await response.json()).error.message, /runs\.stream/);
    await thread.close();
  });
});

describe("crons", () => {
  it("create for a thread and stateless, search, count, update, delete", async () => {
    const thread = await client.threads.create();
    const onThread = await client.crons.createForThread(thread.thread_id, "chat", {
      schedule: "*/5 * * * *",
      input: human("tick"),
      metadata: { kind: "thread" },
    });
    assert.equal(onThread.thread_id, thread.thread_id);
    assert.ok(new Date(onThread.next_run_date) > new Date());
    const stateless = await client.crons.create("chat", {
      schedule: "0 9 * * 1",
      timezone: "Europe/Paris",
      input: human("weekly"),
      metadata: { kind: "stateless" },
      onRunCompleted: "keep",
    });
    assert.equal(stateless.thread_id, null);
    assert.equal(stateless.on_run_completed, "keep");
    const mine = await client.crons.search({ metadata: { kind: "thread" } });
    assert.deepEqual(
      mine.map((c) => c.cron_id),
      [onThread.cron_id],
    );
    assert.equal(await client.crons.count({ threadId: thread.thread_id }), 1);
    const paused = await client.crons.update(stateless.cron_id, {
      enabled: false,
      schedule: "30 8 * * *",
    });
    assert.equal(paused.enabled, false);
    assert.equal(paused.schedule, "30 8 * * *");
    assert.equal((await client.crons.search({ enabled: false })).length, 1);
    await client.crons.delete(onThread.cron_id);
    await client.crons.delete(stateless.cron_id);
    assert.equal(await client.crons.count(), 0);
  });

  it("refuses a bad schedule with a 422 saying why", async () => {
    await assert.rejects(
      client.crons.create("chat", { schedule: "every monday" }),
      /422|schedule/,
    );
  });
});

describe("store", () => {
  it("put, get, search, namespaces, delete", async () => {
    await client.store.putItem(["js", "prefs"], "theme", { color: "green" });
    await client.store.putItem(["js", "notes"], "n1", { text: "hello" });
    const item = await client.store.getItem(["js", "prefs"], "theme");
    assert.deepEqual(item.value, { color: "green" });
    const found = await client.store.searchItems(["js"], { filter: { text: "hello" } });
    assert.deepEqual(
      found.items.map((i) => i.key),
      ["n1"],
    );
    const namespaces = await client.store.listNamespaces({ prefix: ["js"] });
    assert.deepEqual(namespaces.namespaces.map((n) => n.join("/")).sort(), [
      "js/notes",
      "js/prefs",
    ]);
    await client.store.deleteItem(["js", "prefs"], "theme");
    assert.equal(await client.store.getItem(["js", "prefs"], "theme"), null);
  });
});
