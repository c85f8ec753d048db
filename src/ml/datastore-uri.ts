/** Where an uploaded asset lives, in the terms a model or code version is registered with. */
export interface DatastorePath {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  /** e.g. `workspaceblobstore`, the workspace's default datastore. */
  datastore: string;
  /** Path inside the datastore's container, e.g. `LocalUpload/<hash>/model`. */
  path: string;
}

/**
 * `azureml://subscriptions/{s}/resourcegroups/{rg}/workspaces/{ws}/datastores/{ds}/paths/{path}` — the
 * long-form datastore URI Azure ML accepts as a model or code version's `path`. Segments are URI-encoded,
 * path separators kept.
 */
export function datastoreUri(location: DatastorePath): string {
  const segment = encodeURIComponent;
  const path = location.path.replace(/^\/+/, '').split('/').map(segment).join('/');
  return (
    `azureml://subscriptions/${segment(location.subscriptionId)}` +
    `/resourcegroups/${segment(location.resourceGroup)}` +
    `/workspaces/${segment(location.workspace)}` +
    `/datastores/${segment(location.datastore)}/paths/${path}`
  );
}
