/**
 * Environment variables that make a process load or run code other than its image's own: a
 * caller who may set them can run code of their choosing in the job (and read its secrets)
 * without any `command` override. Callers may not set them unless the operator lists the exact
 * name in TRIGGER_ALLOWED_ENV_NAMES. Names are compared case-insensitively, because Windows
 * containers treat `Path` and `PATH` alike.
 */
export const codeLoadingEnvNames: ReadonlySet<string> = new Set([
  // Which program a bare command name runs.
  "PATH",
  // glibc: iconv modules, the tunables parser (CVE-2023-4911), locale files.
  "GCONV_PATH",
  "GLIBC_TUNABLES",
  "LOCPATH",
  // Shells: startup files, and code expanded in prompts, traces and options.
  "BASH_ENV",
  "ENV",
  "ZDOTDIR",
  "PROMPT_COMMAND",
  "PS4",
  "SHELLOPTS",
  "BASHOPTS",
  "IFS",
  // Node.js: `--require`/`--import` through options, module search path, REPL module.
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  // Python: startup file, module path, interpreter home, user site, and the imports that
  // PYTHONWARNINGS categories and PYTHONBREAKPOINT hooks trigger.
  "PYTHONSTARTUP",
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "PYTHONPLATLIBDIR",
  "PYTHONWARNINGS",
  "PYTHONBREAKPOINT",
  "PYTHONINSPECT",
  // Perl and Ruby: options (`-M`, `-r`) and library paths; Perl's debugger.
  "PERL5OPT",
  "PERL5LIB",
  "PERLLIB",
  "PERL5DB",
  "RUBYOPT",
  "RUBYLIB",
  // Java: options every JVM reads (`-javaagent`), class path, the common launcher variable.
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "JAVA_OPTS",
  "CLASSPATH",
  // .NET: startup hooks, extra dependency manifests and stores, the runtime's own location.
  "DOTNET_STARTUP_HOOKS",
  "DOTNET_ADDITIONAL_DEPS",
  "DOTNET_SHARED_STORE",
  "DOTNET_ROOT",
  "COR_ENABLE_PROFILING",
  "COR_PROFILER",
  "COR_PROFILER_PATH",
  // PHP, Lua, R: ini files (`auto_prepend_file`), init chunks, profiles.
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  "LUA_INIT",
  "LUA_PATH",
  "LUA_CPATH",
  "R_PROFILE",
  "R_PROFILE_USER",
  // OpenSSL configuration, engines and providers are shared libraries it loads.
  "OPENSSL_CONF",
  "OPENSSL_ENGINES",
  "OPENSSL_MODULES",
  // Git runs these as programs.
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_EXEC_PATH",
  "GIT_ASKPASS",
  "GIT_EXTERNAL_DIFF",
  "GIT_PROXY_COMMAND",
  "GIT_TEMPLATE_DIR",
]);

/**
 * Families refused by prefix: every dynamic-loader variable (`LD_PRELOAD`, `LD_LIBRARY_PATH`,
 * `LD_AUDIT`, …; `DYLD_` on macOS), the CoreCLR profiler settings (`CORECLR_PROFILER_PATH`, …),
 * and Git's config-by-environment (`GIT_CONFIG_KEY_0=core.fsmonitor` runs a program).
 */
export const codeLoadingEnvPrefixes: readonly string[] = ["LD_", "DYLD_", "CORECLR_", "GIT_CONFIG_"];

/** True when `name` is on the deny-list above. */
export function loadsCode(name: string): boolean {
  const upper = name.toUpperCase();
  return codeLoadingEnvNames.has(upper) || codeLoadingEnvPrefixes.some((prefix) => upper.startsWith(prefix));
}
