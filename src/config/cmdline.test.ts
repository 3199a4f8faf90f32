import { describe, expect, test } from "bun:test";
import { applyOverrides, defaultConfig, parseCmdline } from "./index";

describe("parseCmdline", () => {
  test("aliases map to dotted paths", () => {
    expect(parseCmdline("aios.hostname=node1 aios.loglevel=debug aios.autonomy_level=full").config).toEqual([
      ["system.hostname", "node1"],
      ["system.log_level", "debug"],
      ["system.autonomy_level", "full"],
    ]);
    expect(parseCmdline("aios.log_level=warn aios.autonomy=manual aios.port=8081").config).toEqual([
      ["system.log_level", "warn"],
      ["system.autonomy_level", "manual"],
      ["network.management_port", "8081"],
    ]);
  });

  test("dotted paths pass through unchanged", () => {
    expect(parseCmdline("aios.boot.min_memory_mb=512 aios.network.dhcp=false")).toEqual({
      config: [["boot.min_memory_mb", "512"], ["network.dhcp", "false"]],
    });
  });

  test("aios.token is kept apart from the config", () => {
    const r = parseCmdline("aios.hostname=a aios.token=SECRET");
    expect(r.token).toBe("SECRET");
    expect(r.config).toEqual([["system.hostname", "a"]]);
  });

  test("a token value may contain '='", () => {
    expect(parseCmdline("aios.token=abc==").token).toBe("abc==");
  });

  test("non-aios words and aios words without '=' are ignored", () => {
    expect(parseCmdline("console=ttyS0 quiet root=/dev/vda rw aios.debug hostname=x panic=-1")).toEqual({ config: [] });
  });

  test("no token key when none is given", () => {
    expect("token" in parseCmdline("aios.hostname=a")).toBe(false);
  });

  test("quoted values keep their spaces and lose their quotes", () => {
    expect(parseCmdline('console=ttyS0 aios.boot.shell="/bin/sh -l" quiet').config).toEqual([["boot.shell", "/bin/sh -l"]]);
    expect(parseCmdline('"aios.boot.shell=/bin/my sh" x').config).toEqual([["boot.shell", "/bin/my sh"]]);
  });

  test("command-line order is kept, repeated keys included", () => {
    expect(parseCmdline("aios.hostname=a aios.hostname=b").config).toEqual([["system.hostname", "a"], ["system.hostname", "b"]]);
  });

  test("newline at the end (as in /proc/cmdline) and empty line", () => {
    expect(parseCmdline("aios.hostname=a\n").config).toEqual([["system.hostname", "a"]]);
    expect(parseCmdline("")).toEqual({ config: [] });
  });
});

describe("applyOverrides", () => {
  test("valid overrides are applied, with number and boolean coercion", () => {
    const { config, problems } = applyOverrides(defaultConfig(), [
      ["system.hostname", "node1"],
      ["boot.min_memory_mb", "512"],
      ["network.dhcp", "false"],
      ["security.spawn.no_new_privs", "false"],
      ["models.tactical.temperature", "0.7"],
    ]);
    expect(problems).toEqual([]);
    expect(config.system.hostname).toBe("node1");
    expect(config.boot.min_memory_mb).toBe(512);
    expect(config.network.dhcp).toBe(false);
    expect(config.security.spawn.no_new_privs).toBe(false);
    expect(config.models.tactical.temperature).toBe(0.7);
    expect(config.network.management_port).toBe(9090);
  });

  test("a list the kernel stripped of its quotes is a list of strings", () => {
    const { config: cfg, problems } = applyOverrides(defaultConfig(), parseCmdline('aios.network.egress_allow=["127.0.0.1:80","10.0.0.0/8"]').config);
    expect(problems).toEqual([]);
    expect(cfg.network.egress_allow).toEqual(["127.0.0.1:80", "10.0.0.0/8"]);
  });

  test("a JSON array value becomes an array", () => {
    const { config, problems } = applyOverrides(defaultConfig(), [["network.dns_servers", '["1.1.1.1","8.8.8.8"]']]);
    expect(problems).toEqual([]);
    expect(config.network.dns_servers).toEqual(["1.1.1.1", "8.8.8.8"]);
  });

  test("an invalid override is reported and dropped; the others still apply", () => {
    const { config, problems } = applyOverrides(defaultConfig(), [
      ["system.hostname", "node1"],
      ["network.management_port", "99999"],
      ["boot.min_cpus", "2"],
    ]);
    expect(problems).toEqual(["config: kernel command line: aios.network.management_port=99999: must be 0..65535 (got 99999); ignored"]);
    expect(config.system.hostname).toBe("node1");
    expect(config.boot.min_cpus).toBe(2);
    expect(config.network.management_port).toBe(9090);
  });

  test("unknown keys and bad picklist values are reported with the origin", () => {
    const { config, problems } = applyOverrides(defaultConfig(), [["system.hostnme", "x"], ["system.log_level", "loud"]], "--cmdline");
    expect(problems).toEqual([
      "config: --cmdline: aios.system.hostnme=x: unknown key; ignored",
      'config: --cmdline: aios.system.log_level=loud: must be one of debug, info, warn, error (got "loud"); ignored',
    ]);
    expect(config).toEqual(defaultConfig());
  });

  test("a later override wins over an earlier one", () => {
    expect(applyOverrides(defaultConfig(), [["system.hostname", "a"], ["system.hostname", "b"]]).config.system.hostname).toBe("b");
  });

  test("the input config is not modified", () => {
    const base = defaultConfig();
    applyOverrides(base, [["system.hostname", "changed"], ["boot.min_cpus", "4"]]);
    expect(base).toEqual(defaultConfig());
  });

  test("an override of a whole section with a scalar is dropped", () => {
    const { config, problems } = applyOverrides(defaultConfig(), [["system", "x"]]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith("config: kernel command line: aios.system=x: ");
    expect(config).toEqual(defaultConfig());
  });

  // BUG (src/config/cmdline.ts:43-44): coercion ignores the key's type, so an all-digit
  // hostname (valid per the schema's own regex) is turned into a number and rejected.
  test("an all-digit hostname is a valid hostname", () => {
    const { config, problems } = applyOverrides(defaultConfig(), [["system.hostname", "42"]]);
    expect(problems).toEqual([]);
    expect(config.system.hostname).toBe("42");
  });

  // BUG (src/config/cmdline.ts:66-71): the path walk follows `__proto__`, so
  // `aios.__proto__.x=1` writes to Object.prototype, and valibot then throws a TypeError
  // out of applyOverrides (PID 1 never boots) instead of dropping the override.
  test("aios.__proto__.x=1 is dropped, not written to Object.prototype", () => {
    try {
      let result: ReturnType<typeof applyOverrides> | undefined;
      expect(() => {
        result = applyOverrides(defaultConfig(), [["__proto__.polluted", "1"], ["system.hostname", "ok"]]);
      }).not.toThrow();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(result!.problems).toHaveLength(1);
      expect(result!.config.system.hostname).toBe("ok");
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
