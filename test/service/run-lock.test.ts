import { describe, expect, it } from "vitest";
import { createRunLock } from "../../service/run-lock.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createRunLock", () => {
  it("runs tasks one at a time in arrival order", async () => {
    const lock = createRunLock();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([lock(task("a")), lock(task("b")), lock(task("c"))]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(events).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("passes a task's failure to its caller and still runs the next task", async () => {
    const lock = createRunLock();
    const failed = lock(async () => {
      throw new Error("first");
    });
    const next = lock(async () => "second");
    await expect(failed).rejects.toThrow("first");
    await expect(next).resolves.toBe("second");
  });
});
