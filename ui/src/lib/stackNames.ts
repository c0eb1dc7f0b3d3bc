// Display names of frameworks and tools: proper names, the same in every language (the stacks
// themselves are in the message files, since "static site" needs translating).
import type { Framework } from "./bindings";

const FRAMEWORKS: Record<Framework, string> = {
  express: "Express",
  fastify: "Fastify",
  koa: "Koa",
  hapi: "hapi",
  nestjs: "NestJS",
  next: "Next.js",
  flask: "Flask",
  fastapi: "FastAPI",
  django: "Django",
  spring_boot: "Spring Boot",
  axum: "axum",
  actix_web: "Actix Web",
  rocket: "Rocket",
  warp: "warp",
  gin: "Gin",
  echo: "Echo",
  fiber: "Fiber",
  chi: "chi",
  vite: "Vite",
  create_react_app: "Create React App",
  vue_cli: "Vue CLI",
  angular: "Angular",
};

export function frameworkName(f: Framework): string {
  return FRAMEWORKS[f];
}
