export { aciApiVersion } from "../../aci/api-version.js";
