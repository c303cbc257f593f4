export { aciApiVersion, aciStandbyApiVersion, standbyPoolApiVersion } from "../../aci/api-version.js";
