// The acceptance table (test/acceptance/cases.ts), every row of each mode, through the mock in this
// process: createMockFetch answers each row's request as a Web Request, with no listening socket
// of its own (the webhook receiver and the proxy's upstream are local servers). A request's body
// is bytes here: the chunked rows are HTTP's, and run from outside, as do the rows marked
// `outside` (one per concern, test/acceptance/).
import { afterAll, beforeAll, describe } from "vitest";
import { freePort } from "../../scripts/free-port.js";
import { createMockFetch, type InProcessMock, type MockOptions } from "../../src/mock/index.js";
import { acceptRows, type Target } from "../acceptance/accept.js";
import { type LocalServer, startReceiver, startUpstream } from "../acceptance/processes.js";
import { decoded, type RawAnswer, type RawRequest } from "../acceptance/raw-http.js";
import { transcript } from "../support/spawned.js";
import { exampleValue } from "../support/spec.js";

const base = "http://p100.test";

/** The row's request as a Web Request, its Response as the raw answer the table checks. */
async function answerOf(mock: InProcessMock, { method, path, headers, body }: RawRequest): Promise<RawAnswer> {
  try {
    const response = await mock.fetch(
      new Request(`${base}${path}`, { method, headers, ...(body ? { body: new Uint8Array(body) } : {}) }),
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      bytes,
      text: decoded(bytes, response.headers.get("content-encoding")?.toLowerCase()),
    };
  } catch (error) {
    return { status: 0, headers: {}, bytes: Buffer.alloc(0), text: "", error: `no answer: ${String(error)}` };
  }
}

/** A mock in this process as the table's target: requests by `fetch`, its log lines as they are said. */
function inProcess(options: Omit<MockOptions, "port" | "host">, extra: Omit<Target, "mock" | "send"> = {}) {
  let mock: InProcessMock | undefined;
  const said = transcript();
  const target: Target = {
    mock: { url: base, stdout: said.text, shows: (text, from, guardMs) => said.shows(text, from, guardMs) },
    send: (request) => answerOf(mock!, request),
    ...extra,
  };
  return {
    target: () => target,
    start: async () => {
      mock = await createMockFetch({ ...options, onOutput: (text) => said.append(text) });
    },
    close: () => mock?.close(),
  };
}

describe("stateless", () => {
  const mock = inProcess({});
  beforeAll(mock.start);
  afterAll(mock.close);
  acceptRows("stateless", mock.target, { framed: false });
});

describe("stateful, with a webhook receiver on 127.0.0.1", () => {
  let receiver: LocalServer;
  let mock: ReturnType<typeof inProcess>;
  beforeAll(async () => {
    receiver = await startReceiver();
    mock = inProcess({ stateful: true }, { receiver });
    await mock.start();
  });
  afterAll(() => Promise.all([mock?.close(), receiver?.close()]));
  acceptRows("stateful", () => mock.target(), { framed: false });
});

describe("proxy, in front of a local upstream", () => {
  let upstream: LocalServer;
  let mock: ReturnType<typeof inProcess>;
  beforeAll(async () => {
    upstream = await startUpstream(exampleValue("/v1/user/balances/{externalUserId}", "get", "200", "success"));
    mock = inProcess({ proxy: upstream.url }, { upstream });
    await mock.start();
  });
  afterAll(() => Promise.all([mock?.close(), upstream?.close()]));
  acceptRows("proxy", () => mock.target(), { framed: false });
});

describe("proxy, in front of a closed port", () => {
  let mock: ReturnType<typeof inProcess>;
  beforeAll(async () => {
    mock = inProcess({ proxy: `http://127.0.0.1:${await freePort()}` }); // nothing listens there
    await mock.start();
  });
  afterAll(() => mock?.close());
  acceptRows("proxy-dead", () => mock.target(), { framed: false });
});
