import { CreateMediaSchema1765000000000 } from './migrations/1765000000000-create-media-schema';

/** Raw SQL throughout (ON CONFLICT, SKIP LOCKED): no entity classes. */
export const MEDIA_ENTITIES = [];
export const MEDIA_MIGRATIONS = [CreateMediaSchema1765000000000];
