import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyStore, Principal } from '@estate/access';
import type { Role } from '@estate/contracts';
import { AppError } from './app-error';
import { API_KEY_STORE } from './tokens';

const PUBLIC_KEY = 'estate:public';
const ROLES_KEY = 'estate:roles';

/** Marks a route that needs no API key (health, metrics, API docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Limits a route to these roles; `admin` is always allowed. Routes without it accept every role except ingest. */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new AppError('unauthenticated', 'no authenticated principal on this request');
  return request.principal;
});

/** Reads `Authorization: Bearer <key>`, resolves the tenant and role, and checks the route's roles. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_STORE) private readonly store: ApiKeyStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const principal = await authenticateHeader(this.store, request.headers.authorization);
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    checkRole(principal, allowed);
    request.principal = principal;
    return true;
  }
}

export async function authenticateHeader(store: ApiKeyStore, header: string | undefined): Promise<Principal> {
  if (!header) {
    throw new AppError('unauthenticated', 'missing Authorization header; send "Authorization: Bearer <api key>"', 'authorization');
  }
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <api key>"', 'authorization');
  const principal = await store.authenticate(match[1]);
  if (!principal) throw new AppError('unauthenticated', 'API key is unknown, revoked or expired', 'authorization');
  return principal;
}

export function checkRole(principal: Principal, allowed: Role[] | undefined): void {
  if (principal.role === 'admin') return;
  if (allowed ? allowed.includes(principal.role) : principal.role !== 'ingest') return;
  const needed = allowed ? `it needs one of: ${[...allowed, 'admin'].join(', ')}` : 'ingest keys may only send spans, so use a key with another role';
  throw new AppError('forbidden', `role ${principal.role} may not call this endpoint; ${needed}`);
}
