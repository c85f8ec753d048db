/** The action's version, sent in the user agent. A test keeps it equal to package.json's. */
export const ACTION_VERSION = '0.1.0';
export const ACTION_NAME = 'azureml-staged-deploy';
