import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'infergate:public';

/** Opts a route or controller out of authentication. Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
