/**
 * `connectionString` with its TableEndpoint replaced by `endpoint` (or added when it has none),
 * every other setting, the account key among them, left as it was.
 */
export function withTableEndpoint(connectionString: string, endpoint: string): string {
  const settings = connectionString.split(";").filter((setting) => setting.trim() !== "");
  const others = settings.filter((setting) => !/^\s*TableEndpoint\s*=/i.test(setting));
  return [...others, `TableEndpoint=${endpoint}`].join(";") + ";";
}
