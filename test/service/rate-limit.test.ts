import { describe, expect, it } from "vitest";
import { clientAddress, clientKey } from "../../service/http/client-address.js";
import { createWindowCounter } from "../../service/http/rate-limit.js";

describe("createWindowCounter", () => {
  it("admits `limit` events per key in a window, then says how many seconds remain", () => {
    const counter = createWindowCounter({ limit: 2, windowMs: 60_000 });
    expect(counter.take("a", 1_000)).toBeUndefined();
    expect(counter.take("a", 2_000)).toBeUndefined();
    expect(counter.take("a", 2_500)).toBe(59);
    expect(counter.blockedFor("a", 60_500)).toBe(1);
    expect(counter.take("b", 2_500)).toBeUndefined();
  });

  it("opens a fresh window once the old one is over", () => {
    const counter = createWindowCounter({ limit: 1, windowMs: 60_000 });
    counter.record("a", 0);
    expect(counter.blockedFor("a", 59_999)).toBe(1);
    expect(counter.blockedFor("a", 60_000)).toBeUndefined();
    expect(counter.take("a", 60_000)).toBeUndefined();
    expect(counter.take("a", 60_001)).toBe(60);
  });

  it("does not count a refused take", () => {
    const counter = createWindowCounter({ limit: 1, windowMs: 1_000 });
    counter.take("a", 0);
    for (let i = 0; i < 5; i += 1) expect(counter.take("a", 10)).toBe(1);
    expect(counter.take("a", 1_000)).toBeUndefined();
  });

  it("remembers at most maxKeys clients, forgetting the oldest first", () => {
    const counter = createWindowCounter({ limit: 1, windowMs: 60_000, maxKeys: 3 });
    for (const key of ["a", "b", "c", "d"]) counter.record(key, 0);
    expect(counter.blockedFor("a", 1)).toBeUndefined();
    for (const key of ["b", "c", "d"]) expect(counter.blockedFor(key, 1)).toBe(60);
  });
});

describe("clientAddress", () => {
  it("uses the socket address and ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(clientAddress("198.51.100.4", "203.0.113.9", 0)).toBe("198.51.100.4");
  });

  it("behind one proxy takes the rightmost entry, which a caller cannot forge", () => {
    expect(clientAddress("10.0.0.5", "1.1.1.1, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.5", "203.0.113.9", 2)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.9, 10.0.0.7", 2)).toBe("203.0.113.9");
  });

  it("falls back to the socket address when the header is missing", () => {
    expect(clientAddress("10.0.0.5", undefined, 1)).toBe("10.0.0.5");
    expect(clientAddress(undefined, undefined, 0)).toBe("unknown");
  });

  it("keys IPv6 clients by their /64, mapped IPv4 as IPv4, and drops ports", () => {
    expect(clientKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("2001:DB8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientKey("::ffff:198.51.100.4")).toBe("198.51.100.4");
    expect(clientKey("198.51.100.4:51234")).toBe("198.51.100.4");
    expect(clientKey("[2001:db8::1]:443")).toBe("2001:db8:0:0::/64");
  });
});
