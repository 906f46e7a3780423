import {
  isPrioritizableFlightId,
  validateFileUploadCallbackData,
  validateStorageConfigGetData,
  validateStorageConfigGetReplyData,
} from './media';
import { findDataValidator } from './registry';
import { SERVICE_DATA_VALIDATORS } from './service-validators';
import { requestRoute } from './request-routes';
import type { FlagSink } from '../flags';

/** The spec's file_upload_callback example (dock-media-upload.md section 2). */
const SPEC_CALLBACK = {
  file: {
    object_key: 'a1b2c3d4-prefix/FLIGHT-42/DJI_0001_W.jpeg',
    path: 'FLIGHT-42',
    name: 'DJI_0001_W.jpeg',
    cloud_to_cloud_id: 'DEFAULT',
    ext: {
      flight_id: 'FLIGHT-42',
      drone_model_key: '0-91-0',
      payload_model_key: '1-80-0',
      is_original: true,
    },
    metadata: {
      gimbal_yaw_degree: -91.4,
      absolute_altitude: 56.3,
      relative_altitude: 41.1,
      create_time: '2024-05-10T16:04:20+08:00',
      shoot_position: { lat: 22.5, lng: 113.9 },
    },
  },
  flight_task: { uploaded_file_count: 12, expected_file_count: 14, flight_type: 0 },
};

describe('media methods', () => {
  it('are known on their families and routed', () => {
    expect(findDataValidator('events', 'file_upload_callback')).toBeDefined();
    expect(findDataValidator('events', 'highest_priority_upload_flighttask_media')).toBeDefined();
    expect(findDataValidator('requests', 'storage_config_get')).toBeDefined();
    expect(findDataValidator('requests_reply', 'storage_config_get')).toBeDefined();
    expect(findDataValidator('services', 'upload_flighttask_media_prioritize')).toBeDefined();
    expect(requestRoute('storage_config_get')).toMatchObject({ answeredBy: 'media' });
  });

  it('accepts the spec example of file_upload_callback as it is', () => {
    const flags: FlagSink = [];
    const decoded = validateFileUploadCallbackData(SPEC_CALLBACK, flags);
    expect(decoded).toEqual({ ok: true, value: SPEC_CALLBACK });
    expect(flags).toEqual([]);
  });

  it("accepts the Demo's and the docs' deviations, normalised", () => {
    const flags: FlagSink = [];
    const decoded = validateFileUploadCallbackData(
      {
        result: 0,
        progress: 100,
        file: {
          ...SPEC_CALLBACK.file,
          ext: { flight_id: 'F', is_original: 1 },
          metadata: {
            gimbal_yaw_degree: '-91.40',
            created_time: '2021-05-10 16:04:20',
            shoot_position: { lat: '22.5', lng: 113.9 },
          },
        },
      },
      flags,
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.file.metadata).toEqual({
      gimbal_yaw_degree: -91.4,
      create_time: '2021-05-10 16:04:20',
      shoot_position: { lat: 22.5, lng: 113.9 },
    });
    expect(decoded.value.file.ext.is_original).toBe(true);
    expect(decoded.value.flight_task).toBeUndefined();
    expect(flags).toEqual(expect.arrayContaining(['number_from_string', 'created_time_key']));
  });

  it.each([
    ['no file', {}, 'data.file'],
    ['no object key', { file: { name: 'a.jpeg' } }, 'data.file.object_key'],
    ['an absolute key', { file: { object_key: '/etc/x', name: 'x' } }, 'data.file.object_key'],
    ['a key climbing out', { file: { object_key: 'a/../b', name: 'x' } }, 'data.file.object_key'],
    ['no name', { file: { object_key: 'a/b' } }, 'data.file.name'],
    [
      'a yaw that is no number',
      { file: { object_key: 'a', name: 'b', metadata: { gimbal_yaw_degree: 'left' } } },
      'data.file.metadata.gimbal_yaw_degree',
    ],
    [
      'a latitude off the globe',
      { file: { object_key: 'a', name: 'b', metadata: { shoot_position: { lat: 91, lng: 0 } } } },
      'data.file.metadata.shoot_position.lat',
    ],
    [
      'a negative count',
      { file: { object_key: 'a', name: 'b' }, flight_task: { expected_file_count: -1 } },
      'data.flight_task.expected_file_count',
    ],
  ])('refuses a callback with %s, naming the field', (_title, data, path) => {
    const decoded = validateFileUploadCallbackData(data, []);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.path).toBe(path);
  });

  it('reads storage_config_get (module as a string too) and checks our reply strictly', () => {
    expect(validateStorageConfigGetData({ module: '0' }, [])).toEqual({
      ok: true,
      value: { module: 0 },
    });
    expect(validateStorageConfigGetData({}, []).ok).toBe(false);
    const output = {
      bucket: 'media-bucket',
      credentials: {
        access_key_id: 'AKID',
        access_key_secret: 's',
        expire: 3600,
        security_token: 't',
      },
      endpoint: 'https://s3.example.com',
      object_key_prefix: 'a1b2c3d4-prefix',
      provider: 'minio',
      region: 'us-east-1',
    };
    expect(validateStorageConfigGetReplyData({ result: 0, output }, []).ok).toBe(true);
    expect(validateStorageConfigGetReplyData({ result: 317001 }, []).ok).toBe(true);
    expect(validateStorageConfigGetReplyData({ result: 0 }, []).ok).toBe(false);
    for (const broken of [
      { ...output, provider: 'gcs' },
      { ...output, endpoint: 'ftp://x' },
      { ...output, credentials: { ...output.credentials, expire: 0 } },
    ]) {
      expect(validateStorageConfigGetReplyData({ result: 0, output: broken }, []).ok).toBe(false);
    }
  });

  it('sends upload_flighttask_media_prioritize only with a flight id the Demo accepts', () => {
    const validate = SERVICE_DATA_VALIDATORS.upload_flighttask_media_prioritize;
    expect(validate({ flight_id: 'b3c1e0c2-6f1d-4c1a-9d7e-1f2a3b4c5d6e' }, []).ok).toBe(true);
    for (const id of ['', 'a.b', 'a_b', 'a/b', 'x'.repeat(65)]) {
      expect(validate({ flight_id: id }, []).ok).toBe(false);
      expect(isPrioritizableFlightId(id)).toBe(false);
    }
  });
});
