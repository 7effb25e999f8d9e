import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery } from '@nestjs/swagger';

/**
 * Every admin route: authenticated (bearer token or API key). Which roles and token scopes it takes
 * is the policy set's call, through the route's @CheckPolicies (by default `admin`, or `audit:read`
 * for auditors' reads).
 */
export const AdminRoute = (): ClassDecorator => applyDecorators(ApiBearerAuth());

/** Documents limit/offset paging on a list route. */
export const ApiPaging = (): MethodDecorator =>
  applyDecorators(
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
    ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } }),
  );
