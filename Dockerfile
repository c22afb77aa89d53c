# Folio image for compose.yaml (docs/deploy.md). Node 24 runs the TypeScript sources directly.
FROM node:24-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY src ./src
COPY bin ./bin
USER node
EXPOSE 8080
CMD ["node", "src/main.ts", "serve"]
