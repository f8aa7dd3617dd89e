/** The contract reference (Contract ID + Report ID) every operation on a sent contract reads. */
import { NodeOperationError } from 'n8n-workflow';

import { answer, contract, failure, run, samplePdf, sentBody } from '../../support';

describe.each(['continueFlow', 'cancelContract', 'contractStatus', 'downloadContractPdf'])(
	'%s checks the reference',
	(operation) => {
		it.each([
			[{ contractId: ' ' }, 'Contract ID is empty'],
			[{ reportId: '' }, 'Report ID is empty'],
			[{ reportId: 'abc' }, 'Report ID must be a whole number'],
		])('refuses %j without calling Lofirmo', async (override, message) => {
			const { output, calls } = run(contract(operation, { document: 'CERTIFICADO', ...override }), {
				http: answer({ Res: '1' }),
			});
			const error = await failure(output);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(message);
			expect(error.description).toContain('Contract → Send');
			expect(calls).toHaveLength(0);
		});

		it('accepts IDs an expression gave as numbers', async () => {
			const { output, calls } = run(
				contract(operation, {
					document: 'CERTIFICADO',
					contractId: 1994779988,
					reportId: 1994779988,
				}),
				{
					http: operation === 'downloadContractPdf' ? answer(samplePdf()) : answer({ Res: '1' }),
				},
			);
			await output;
			expect(sentBody(calls)).toMatchObject({ Contratoid: '1994779988', Reportid: '1994779988' });
		});
	},
);
