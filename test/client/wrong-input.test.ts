// Mistakes a new user makes, refused or explained before they cost a debugging session: a path
// parameter that would send the call elsewhere (refused before sending), a base URL with a path
// (refused at construction), and a 404 on a path the spec has (the message names the URL called).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client, P100ConfigError, P100RequestError, type P100UnexpectedError } from "../../src/index.js";
import { type HostileServer, rawJson, startHostileServer } from "../support/hostile-server.js";

const secret = "sk_live_wrong-input-1234";

describe("path parameters are refused before sending, naming the parameter", () => {
  const sent: Request[] = [];
  const fetch = async (request: Request) => {
    sent.push(request);
    return Response.json({});
  };
  const client = createP100Client({ apiKey: secret, fetch });

  it.each([
    ["", /^getUserBalances: the path parameter externalUserId is empty: the call would go to another route\.$/],
    [undefined, /^getUserBalances: the path parameter externalUserId is missing \(undefined\)/],
    [null, /^getUserBalances: the path parameter externalUserId is null/],
    [".", /^getUserBalances: the path parameter externalUserId cannot be "\."/],
    ["..", /^getUserBalances: the path parameter externalUserId cannot be "\.\."/],
  ])("externalUserId %j", async (value, message) => {
    const call = client.GET("/v1/user/balances/{externalUserId}", {
      params: { path: { externalUserId: value as string } },
    });
    await expect(call).rejects.toThrow(P100RequestError);
    await expect(call).rejects.toThrow(message);
    expect(sent).toHaveLength(0);
  });

  it("no params at all: the first parameter of the template is named", async () => {
    const call = (client.GET as (path: string, init?: object) => Promise<unknown>)(
      "/v1/kyc/verification/{externalUserId}/{verificationId}",
    );
    await expect(call).rejects.toThrow(/^redirectToVerification: the path parameter externalUserId is missing/);
    expect(sent).toHaveLength(0);
  });

  it("the second of two parameters, empty", async () => {
    const call = client.GET("/v1/kyc/verification/{externalUserId}/{verificationId}", {
      params: { path: { externalUserId: "u", verificationId: "" } },
    });
    await expect(call).rejects.toThrow(/the path parameter verificationId is empty/);
    expect(sent).toHaveLength(0);
  });

  it("an ordinary id goes through, percent-encoded as openapi-fetch does", async () => {
    await client.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "a b/c" } } });
    expect(sent.map((r) => new URL(r.url).pathname)).toEqual(["/v1/user/balances/a%20b%2Fc"]);
  });
});

describe("a base URL is the origin only", () => {
  it.each([
    ["http://127.0.0.1:4010/v1", "http://127.0.0.1:4010"],
    ["http://127.0.0.1:4010/v1/", "http://127.0.0.1:4010"],
    ["https://partner-api-stage.p100.io/api", "https://partner-api-stage.p100.io"],
    ["http://127.0.0.1:4010/?x=1", "http://127.0.0.1:4010"],
  ])("%s is refused at construction, and the message gives the origin", (baseUrl, origin) => {
    const create = () => createP100Client({ apiKey: secret, baseUrl });
    expect(create).toThrow(P100ConfigError);
    expect(create).toThrow(
      `createP100Client: \`baseUrl\` is the origin only (scheme, host and port, like https://partner-api-stage.p100.io): every path of the spec starts with /v1/, so a path in it would be sent twice; pass "${origin}".`,
    );
  });
});

describe("a 404 on a path the spec has names the URL called", () => {
  let server: HostileServer;
  beforeAll(async () => (server = await startHostileServer()));
  afterAll(() => server.close());

  it("undocumented-status, with the URL and the hint about the base URL", async () => {
    server.script("not-here", (res) => rawJson(res, 404, "Cannot GET"));
    const result = await createP100Client({ apiKey: secret, baseUrl: server.url }).GET(
      "/v1/user/balances/{externalUserId}",
      { params: { path: { externalUserId: "not-here" } } },
    );
    expect(result.outcome).toBe("unexpected");
    const error = result.error as P100UnexpectedError;
    expect(error).toMatchObject({ reason: "undocumented-status", status: 404 });
    expect(error.message).toBe(
      `getUserBalances: the API answered with a status the spec does not document: nothing at ${server.url}/v1/user/balances/not-here; is the base URL the P100 API's origin (like https://partner-api-stage.p100.io, no path)? (HTTP 404)`,
    );
  });

  it("another undocumented status keeps the short message", async () => {
    const result = await createP100Client({ apiKey: secret, baseUrl: server.url }).GET(
      "/v1/user/balances/{externalUserId}",
      { params: { path: { externalUserId: "teapot" } } },
    );
    expect((result.error as P100UnexpectedError).message).toBe(
      "getUserBalances: the API answered with a status the spec does not document (HTTP 418)",
    );
  });
});
