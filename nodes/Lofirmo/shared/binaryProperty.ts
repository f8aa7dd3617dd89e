/** The field both nodes use to name the binary property a downloaded PDF goes to, and how its value is read. */
import type { INodeProperties } from 'n8n-workflow';

const DEFAULT_PROPERTY = 'data';

/** The field, with the wording each node gives it. */
export function binaryPropertyField(
	wording: Pick<INodeProperties, 'displayName' | 'description'> & Partial<INodeProperties>,
): INodeProperties {
	return {
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: DEFAULT_PROPERTY,
		...wording,
	};
}

/** The property name the user gave; an empty one (e.g. an expression that gave nothing) is the default. */
export function binaryPropertyName(value: unknown): string {
	return String(value ?? '').trim() || DEFAULT_PROPERTY;
}
