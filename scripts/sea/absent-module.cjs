// Stands for optional modules the single executable does not carry: their callers catch this.
throw new Error('optional module not bundled');
