export * from "./start-mock.js";
