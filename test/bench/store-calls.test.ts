import { describe, expect, it } from "vitest";
import { withTableEndpoint } from "../../bench/connection-string.js";
import { storeCallKind } from "../../bench/store-calls.js";

describe("store call kinds", () => {
  it("tells a filtered query, a point read and a transaction apart by method and path", () => {
    expect(storeCallKind({ method: "GET", path: "/trigger/triggerruns()" })).toBe("query");
    expect(storeCallKind({ method: "GET", path: "/trigger/triggerruns(PartitionKey='bench',RowKey='d%7Cpool')" })).toBe("read");
    expect(storeCallKind({ method: "GET", path: "/trigger/triggerruns(PartitionKey%3D'bench',RowKey%3D'd%7Cpool')" })).toBe("read");
    expect(storeCallKind({ method: "POST", path: "/trigger/$batch" })).toBe("batch");
  });

  it("names any other request by its method", () => {
    expect(storeCallKind({ method: "POST", path: "/trigger/triggerruns" })).toBe("post");
    expect(storeCallKind({ method: "PUT", path: "/trigger/triggerruns(PartitionKey='p',RowKey='r')" })).toBe("put");
  });
});

describe("connection string with another table endpoint", () => {
  it("replaces the table endpoint and keeps every other setting, a key with = signs among them", () => {
    const original = "DefaultEndpointsProtocol=http;AccountName=trigger;AccountKey=a2V5==;TableEndpoint=http://127.0.0.1:1000/trigger;QueueEndpoint=http://127.0.0.1:1001/trigger;";
    expect(withTableEndpoint(original, "http://127.0.0.1:2000/trigger")).toBe(
      "DefaultEndpointsProtocol=http;AccountName=trigger;AccountKey=a2V5==;QueueEndpoint=http://127.0.0.1:1001/trigger;TableEndpoint=http://127.0.0.1:2000/trigger;",
    );
  });

  it("adds a table endpoint to a connection string that has none", () => {
    expect(withTableEndpoint("AccountName=a;AccountKey=k", "http://h/a")).toBe("AccountName=a;AccountKey=k;TableEndpoint=http://h/a;");
  });
});
