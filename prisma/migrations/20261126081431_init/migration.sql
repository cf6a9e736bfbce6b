-- CreateTable
CREATE TABLE "Client" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "clientId" TEXT NOT NULL,
    "clientName" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "requireClientSecret" BOOLEAN NOT NULL DEFAULT true,
    "requirePkce" BOOLEAN NOT NULL DEFAULT true,
    "allowPlainTextPkce" BOOLEAN NOT NULL DEFAULT false,
    "requireConsent" BOOLEAN NOT NULL DEFAULT false,
    "allowRememberConsent" BOOLEAN NOT NULL DEFAULT true,
    "allowOfflineAccess" BOOLEAN NOT NULL DEFAULT false,
    "alwaysIncludeUserClaimsInIdToken" BOOLEAN NOT NULL DEFAULT false,
    "accessTokenType" TEXT NOT NULL DEFAULT 'Jwt',
    "identityTokenLifetime" INTEGER NOT NULL DEFAULT 300,
    "accessTokenLifetime" INTEGER NOT NULL DEFAULT 3600,
    "authorizationCodeLifetime" INTEGER NOT NULL DEFAULT 300,
    "refreshTokenUsage" TEXT NOT NULL DEFAULT 'OneTimeOnly',
    "refreshTokenExpiration" TEXT NOT NULL DEFAULT 'Absolute',
    "absoluteRefreshTokenLifetime" INTEGER NOT NULL DEFAULT 2592000,
    "slidingRefreshTokenLifetime" INTEGER NOT NULL DEFAULT 1296000,
    "updateAccessTokenClaimsOnRefresh" BOOLEAN NOT NULL DEFAULT false,
    "allowedGrantTypes" JSONB NOT NULL,
    "redirectUris" JSONB NOT NULL,
    "postLogoutRedirectUris" JSONB NOT NULL,
    "allowedScopes" JSONB NOT NULL,
    "allowedCorsOrigins" JSONB NOT NULL,
    "allowedIdentityTokenSigningAlgorithms" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ClientSecret" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "clientRowId" INTEGER NOT NULL,
    "valueHash" TEXT NOT NULL,
    "description" TEXT,
    "expiration" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClientSecret_clientRowId_fkey" FOREIGN KEY ("clientRowId") REFERENCES "Client" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiScope" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "displayName" TEXT,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "emphasize" BOOLEAN NOT NULL DEFAULT false,
    "userClaims" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApiResource" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "displayName" TEXT,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "scopes" JSONB NOT NULL,
    "userClaims" JSONB NOT NULL,
    "allowedAccessTokenSigningAlgorithms" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApiResourceSecret" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "resourceRowId" INTEGER NOT NULL,
    "valueHash" TEXT NOT NULL,
    "description" TEXT,
    "expiration" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiResourceSecret_resourceRowId_fkey" FOREIGN KEY ("resourceRowId") REFERENCES "ApiResource" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IdentityResource" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "displayName" TEXT,
    "description" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "emphasize" BOOLEAN NOT NULL DEFAULT false,
    "showInDiscoveryDocument" BOOLEAN NOT NULL DEFAULT true,
    "userClaims" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "User" (
    "subjectId" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "claims" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Authorization" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "subjectId" TEXT,
    "clientId" TEXT NOT NULL,
    "sessionId" TEXT,
    "scopes" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PersistedGrant" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "subjectId" TEXT,
    "sessionId" TEXT,
    "clientId" TEXT NOT NULL,
    "authorizationId" TEXT,
    "description" TEXT,
    "creationTime" DATETIME NOT NULL,
    "expiration" DATETIME,
    "consumedTime" DATETIME,
    "data" JSONB NOT NULL,
    CONSTRAINT "PersistedGrant_authorizationId_fkey" FOREIGN KEY ("authorizationId") REFERENCES "Authorization" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "subjectId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "scopes" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "expiration" DATETIME
);

-- CreateTable
CREATE TABLE "UserSession" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "key" TEXT NOT NULL,
    "sid" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "authTime" DATETIME NOT NULL,
    "amr" JSONB NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "createdAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "algorithm" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "privateJwkEncrypted" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL,
    "expire" DATETIME
);

-- CreateTable
CREATE TABLE "ServerSetting" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Client_clientId_key" ON "Client"("clientId");

-- CreateIndex
CREATE INDEX "ClientSecret_clientRowId_idx" ON "ClientSecret"("clientRowId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiScope_name_key" ON "ApiScope"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiResource_name_key" ON "ApiResource"("name");

-- CreateIndex
CREATE INDEX "ApiResourceSecret_resourceRowId_idx" ON "ApiResourceSecret"("resourceRowId");

-- CreateIndex
CREATE UNIQUE INDEX "IdentityResource_name_key" ON "IdentityResource"("name");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Authorization_subjectId_clientId_idx" ON "Authorization"("subjectId", "clientId");

-- CreateIndex
CREATE INDEX "Authorization_clientId_idx" ON "Authorization"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "PersistedGrant_key_key" ON "PersistedGrant"("key");

-- CreateIndex
CREATE INDEX "PersistedGrant_authorizationId_idx" ON "PersistedGrant"("authorizationId");

-- CreateIndex
CREATE INDEX "PersistedGrant_subjectId_clientId_type_idx" ON "PersistedGrant"("subjectId", "clientId", "type");

-- CreateIndex
CREATE INDEX "PersistedGrant_subjectId_sessionId_type_idx" ON "PersistedGrant"("subjectId", "sessionId", "type");

-- CreateIndex
CREATE INDEX "PersistedGrant_expiration_idx" ON "PersistedGrant"("expiration");

-- CreateIndex
CREATE INDEX "PersistedGrant_consumedTime_idx" ON "PersistedGrant"("consumedTime");

-- CreateIndex
CREATE UNIQUE INDEX "Consent_subjectId_clientId_key" ON "Consent"("subjectId", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "UserSession_key_key" ON "UserSession"("key");

-- CreateIndex
CREATE UNIQUE INDEX "UserSession_sid_key" ON "UserSession"("sid");

-- CreateIndex
CREATE INDEX "UserSession_subjectId_idx" ON "UserSession"("subjectId");

-- CreateIndex
CREATE INDEX "UserSession_expiresAt_idx" ON "UserSession"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "SigningKey_algorithm_generation_key" ON "SigningKey"("algorithm", "generation");
