// The Response the transport hands openapi-fetch: a real Response (instanceof, status, headers,
// url) holding the buffered body, read as any Response is read, once; `clone()` and `body` work.
import { describe, expect, it } from "vitest";
import { BufferedResponse } from "../../src/client/layers/buffered-response.js";

const from = { status: 400, statusText: "Bad Request", url: "http://127.0.0.1:4010/v1/user", redirected: false };
const make = (text: string | null = '{"errorCode":"P412"}') =>
  new BufferedResponse(text, from, new Headers({ "content-type": "application/json" }));

describe("BufferedResponse", () => {
  it("is a Response with the answer's status, headers and url", () => {
    const response = make();
    expect(response).toBeInstanceOf(Response);
    expect(response).toMatchObject({ status: 400, statusText: "Bad Request", ok: false, url: from.url });
    expect(response.headers.get("content-type")).toBe("application/json");
  });

  it("reads as text or JSON once; a second read fails as Response's does", async () => {
    const response = make();
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ errorCode: "P412" });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(() => response.clone()).toThrow(TypeError);
  });

  it("a clone reads on its own, and the original still can", async () => {
    const response = make();
    expect(await response.clone().text()).toBe('{"errorCode":"P412"}');
    expect(await response.text()).toBe('{"errorCode":"P412"}');
  });

  it("its body is a stream of the same bytes, and reading it uses the body", async () => {
    const response = make();
    expect(await new Response(response.body).text()).toBe('{"errorCode":"P412"}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it("arrayBuffer and blob give the same bytes", async () => {
    expect(new TextDecoder().decode(await make().arrayBuffer())).toBe('{"errorCode":"P412"}');
    expect(await (await make().blob()).text()).toBe('{"errorCode":"P412"}');
  });

  it("without a body (a 204): body null, text empty", async () => {
    const response = new BufferedResponse(null, { ...from, status: 204, statusText: "" }, new Headers());
    expect(response.body).toBeNull();
    expect(await response.text()).toBe("");
  });
});
