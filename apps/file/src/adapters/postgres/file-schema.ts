import { BlobEntity } from './blob.entity';
import { FlightBindingEntity } from './flight-binding.entity';
import { CreateFileSchema1732000000000 } from './migrations/1732000000000-create-file-schema';
import { OrganizationScope1764860000000 } from './migrations/1764860000000-organization-scope';
import { WaylineEntity } from './wayline.entity';

/** Entities and migrations of the file service's schema, in order. */
export const FILE_ENTITIES = [BlobEntity, WaylineEntity, FlightBindingEntity];
export const FILE_MIGRATIONS = [CreateFileSchema1732000000000, OrganizationScope1764860000000];
