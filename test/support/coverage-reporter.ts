// Ends the run with one line saying how much of the spec the contract tests proved:
// `operations N/N, responses M/M, examples K/K` (an operation or response counts when every
// one of its cases passed). Each contract test tags itself with the case it proves.
import type { Reporter, TestModule } from "vitest/node";
import { operations, responseCases } from "./cases.js";

export default class ContractCoverageReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const passed = new Set<string>();
    let ran = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const proved = test.meta().contractCase;
        if (proved) ran++;
        if (proved && test.result().state === "passed") passed.add(JSON.stringify(proved));
      }
    }
    if (ran === 0) return; // a run without the contract tests has nothing to report
    const key = (c: { operationId: string; status: string; example: string | null }) =>
      JSON.stringify({ operationId: c.operationId, status: c.status, example: c.example });
    const done = (cases: typeof responseCases) => cases.every((c) => passed.has(key(c)));
    const responses = [...new Set(responseCases.map((c) => `${c.operationId} ${c.status}`))];
    const examples = responseCases.filter((c) => c.example !== null);
    const count = (n: number, of: number) => `${n}/${of}`;
    console.log(
      `\ncontract coverage: operations ${count(operations.filter((op) => done(responseCases.filter((c) => c.operationId === op.operationId))).length, operations.length)}, ` +
        `responses ${count(responses.filter((r) => done(responseCases.filter((c) => `${c.operationId} ${c.status}` === r))).length, responses.length)}, ` +
        `examples ${count(examples.filter((c) => passed.has(key(c))).length, examples.length)}`,
    );
  }
}
