import type { Config } from "jest";

// jose 6 ships only ES modules; ts-jest turns its files into CommonJS for Jest's module system.
const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
    "^.+/node_modules/jose/.+\\.js$": ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  setupFiles: ["reflect-metadata"],
  testTimeout: 60000,
};

export default config;
