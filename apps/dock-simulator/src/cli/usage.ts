/** `--help`. Kept beside parse-args.ts; the README has the long form. */
export const USAGE = `dock-simulator: DJI docks over MQTT, for trying a cloud without a dock.

usage: node dist/apps/dock-simulator/main.js [options]
       npm run simulate -- [options]
       npm run simulate -- sample-kmz FILE [WAYPOINTS]   write a valid wayline KMZ to upload

fleet and broker
  -n, --docks N                 docks to simulate (1)
      --sn-prefix P             dock SN = P + zero-padded index (SIMDOCK -> SIMDOCK0001)
      --mqtt-url URL            broker the cloud's gateway uses (env MQTT_URL, mqtt://127.0.0.1:1883)
      --username U / --password P  broker credentials (env MQTT_USERNAME / MQTT_PASSWORD)
      --mqtt-version 5|3.1.1    protocol version (5)
      --mqtt-ca FILE            for mqtts:// or wss://: the CA of the broker's certificate (env MQTT_CA_FILE)
      --mqtt-cert F --mqtt-key F  client certificate and key, when the broker requires one
                                (env MQTT_CERT_FILE / MQTT_KEY_FILE)
      --connect-concurrency N   connections opened at once (50)

timing
      --osd-interval-ms MS      osd push period per dock (2000)
      --progress-interval-ms MS flighttask_progress period while a task runs (1000)
      --speed X                 flight time compression: 10 flies the script 10x faster (1)
      --waypoints N             waypoints per wayline; ~20 s of flight each (8)
      --battery PCT             aircraft battery at start (100); charges in the dock, drains in flight

acting out the cloud's edge cases
      --reply-code M=CODE[xN]   answer service M with CODE (only the first N times with xN); repeatable
      --reply-latency M=MS      wait MS before handling service M; repeatable
      --never-reply M           lose service M: no reply, no action (timeout tests); repeatable
      --reply-timeout-ms MS     how long an events_reply / status_reply / requests_reply may take (15000)
      --quirks                  send the traps of the spec README (timestamp: key, enum strings, ...)
      --hms                     raise an HMS alert mid-flight, repeat it, then clear it
      --upload-media            after each flight: storage_config_get, upload one real JPEG per
                                photo to the returned S3 storage, report each (file_upload_callback)
      --media-short-by <n>      (implies --upload-media) leave the last n photos unuploaded
      --media-duplicate         (implies --upload-media) send the first callback twice (a retry)
      --exit-homing-trigger after-ms=N[,reason=R][,hold-ms=H]
                                N ms of return flight in, leave RTH for H ms (device_exit_homing_notify)
      --offline-after-ms MS     drop off the network MS after each execute...
      --reconnect-after-ms MS   ...and come back MS later (10000)

onboarding (as a real dock: config -> licence check -> update_topo -> binding)
      --app-id ID / --app-key K / --app-license L
                                the licence the config reply must carry (env DJI_APP_ID, DJI_APP_KEY,
                                DJI_APP_LICENSE); unset: any non-empty licence is accepted. A missing
                                or wrong licence: the dock logs why and disconnects
      --licence-retry-s S       after a refused licence, connect and ask again S seconds later (30)
      --organization-id ID      join this organization when airport_bind_status says "not bound"...
      --binding-code CODE       ...with this binding code (airport_organization_get, then _bind)
      --credentials FILE        DATA_DIR/credentials.json: organization id and binding code, MQTT
                                url / username / password (options given here win)
      --silent-after S          S seconds after the licence, stop publishing (osd, state, events)...
      --silent-for S            ...for S seconds (otherwise for good); the connection stays up

run and report
      --duration-s S            stop after S seconds (otherwise: Ctrl-C)
      --until-idle              stop once tasks have ended and no dock waits for anything
      --report-json FILE        also write the report as JSON
      --strict                  exit 1 when replies went missing or docks never connected
      --log-level L             pino level for problems, on stderr (warn)
  -h, --help
`;
