export * from "./username.js";
